#ifndef BOS_FLOW_INT_H
#define BOS_FLOW_INT_H
/* Internals of the engine: the live-flow record and the table (table.c, engine.c). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bos/buf.h"
#include "bos/flow.h"
#include "bos/proto.h"

struct bos_http_conn;
struct bos_tls_conn;
struct bos_dns_tracker;
struct engine;

/* Expiry lists: each is ordered by the time its members' expiry counts from. */
enum flow_list {
	FL_ATTEMPT, /* TCP SYN unanswered: start + 5 s */
	FL_CLOSING, /* TCP closed on one side or both: last + 5 s */
	FL_UDP,	    /* UDP/ICMP: last + 60 s */
	FL_TCP,	    /* TCP otherwise: last + 300 s */
	FL__COUNT,
};

struct flow {
	struct flow *hnext, **hpprev; /* hash chain; hpprev: the pointer that points here */
	uint64_t hash;
	struct flow *lprev, *lnext;
	enum flow_list list;
	struct flow *cprev, *cnext; /* live flows in creation order (engine.c) */
	struct engine *eng;
	struct bos_conn c;
	char uid[20];
	uint64_t first_rec; /* frame number in its capture */
	size_t capture;	    /* index of the capture of the first packet */
	/* application layer */
	enum bos_proto_kind app;
	bool app_decided, app_dead;
	bool saw_syn; /* a SYN or SYN-ACK was seen (not a partial conn) */
	bool svc_dns, svc_http, svc_tls;
	struct bos_reasm rs[2];	  /* [0] originator's bytes, [1] responder's */
	uint64_t fin_end[2];	  /* stream position after a FIN, 0 if none */
	struct bos_buf dnsbuf[2]; /* DNS over TCP framing */
	struct bos_http_conn *http;
	struct bos_tls_conn *tls;
	struct bos_dns_tracker *dns;
};

struct flow_table {
	struct flow **slots;
	size_t n_slots; /* power of two */
	size_t live, max;
	uint64_t key[2]; /* siphash key */
	struct flow *head[FL__COUNT], *tail[FL__COUNT];
};

/* SipHash-2-4 of n bytes under key k. */
uint64_t ft_siphash(const uint64_t k[2], const uint8_t *in, size_t n);
int ft_init(struct flow_table *ft, size_t max, const uint8_t key[16]);
void ft_release(struct flow_table *ft);
/* Keyed hash (SipHash-1-3 under the table's key) of the unordered endpoint pair (same
 * both ways): computed once per packet, kept in the flow, compared before the tuple. */
uint64_t ft_hash(const struct flow_table *ft, const uint8_t *a, uint16_t pa, const uint8_t *b,
		 uint16_t pb, uint8_t proto, bool v6);
/* Find the flow for a packet's tuple; *is_orig says which way the packet goes. */
struct flow *ft_find(struct flow_table *ft, uint64_t h, const uint8_t *src, uint16_t sp,
		     const uint8_t *dst, uint16_t dp, uint8_t proto, bool v6, bool *is_orig);
void ft_insert(struct flow_table *ft, struct flow *f);
void ft_remove(struct flow_table *ft, struct flow *f);
/* Put f at the tail of list l (moving it if it is elsewhere). */
void ft_touch(struct flow_table *ft, struct flow *f, enum flow_list l);

#endif
