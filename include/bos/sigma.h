#ifndef BOS_SIGMA_H
#define BOS_SIGMA_H
/*
 * A Sigma rule engine (https://sigmahq.io/docs/basics/rules.html), the subset bos needs to
 * tag process, file and network events with MITRE ATT&CK techniques. Rules are data: bos
 * ships its own in rules/linux/, and `--rules DIR` loads any directory of Sigma YAML.
 *
 * Supported:
 *  - logsource.category process_creation, file_event, network_connection; product linux
 *    (or no product);
 *  - detection: named selections that are a map (fields ANDed) or a list of maps (ORed);
 *    a field's value is a scalar, a list (ORed; ANDed with |all) or null (field absent);
 *  - field modifiers contains, startswith, endswith, all, re (POSIX ERE), cidr, exists;
 *  - plain values compare case-insensitively (ASCII) with wildcards * and ? (\* \? \\ escape);
 *  - condition: and, or, not, parentheses, `1 of X*`, `all of X*`, `1 of them`, `all of them`;
 *  - tags: attack.tNNNN[.NNN] (techniques) and attack.<tactic> (tactics).
 * Not supported, reported and the rule skipped (never misread): aggregations (`| count()`),
 * `near`, keyword lists, unknown modifiers (base64, windash, ...), other logsources.
 *
 * Rules are untrusted input (a user may point --rules at anything): libyaml parses the
 * bytes, every table and string is capped (bos/limits.h), and every error names
 * file:line:column.
 */
#include <stdbool.h>
#include <stddef.h>

#include "bos/err.h"

enum bos_sigma_cat {
	BOS_SIGMA_CAT_PROCESS_CREATION,
	BOS_SIGMA_CAT_FILE_EVENT,
	BOS_SIGMA_CAT_NETWORK_CONNECTION,
	BOS_SIGMA_CAT_COUNT,
};

/* "process_creation" ...; NULL for an out-of-range value. */
const char *bos_sigma_cat_name(enum bos_sigma_cat cat);

/* One field of an event: Sigma field name (Image, CommandLine, TargetFilename,
 * DestinationIp, DestinationPort, ...) and its value as text. Borrowed. */
struct bos_sigma_field {
	const char *name;
	const char *value;
};

/* A generic event: the category decides which rules apply. Field names compare exactly. */
struct bos_sigma_event {
	enum bos_sigma_cat cat;
	const struct bos_sigma_field *fields;
	size_t nfields;
};

struct bos_sigma_rule;	/* opaque: parsed detection + condition */

/* What a parsed rule exposes. Strings are owned by the rule. */
struct bos_sigma_info {
	const char *file;	/* as given to the parser */
	const char *title;
	const char *id;		/* may be NULL */
	const char *level;	/* may be NULL */
	enum bos_sigma_cat cat;
	const char *const *techniques;	/* "T1059.004", upper case, file order, distinct */
	size_t ntechniques;
	const char *const *tactics;	/* "discovery", "credential_access", ... */
	size_t ntactics;
};

/*
 * Parse one Sigma rule from data[0..len) (one YAML document). fname is used in messages.
 * Returns 0 and *out (free with bos_sigma_rule_free), or:
 *  -BOS_EINPUT   malformed YAML or rule ("file:line:col: why" in err);
 *  -BOS_ENOTIMPL valid Sigma using a feature bos does not support ("file:line:col:
 *                unsupported: why"): the caller reports and skips it.
 */
int bos_sigma_parse(struct bos_sigma_rule **out, const void *data, size_t len, const char *fname,
		    struct bos_err *err);
void bos_sigma_rule_free(struct bos_sigma_rule *r);
const struct bos_sigma_info *bos_sigma_rule_info(const struct bos_sigma_rule *r);

/* True if the rule's category is ev->cat and its condition holds for ev. */
bool bos_sigma_match(const struct bos_sigma_rule *r, const struct bos_sigma_event *ev);

/* A set of rules loaded from directories, with the files that were skipped and why. */
struct bos_sigma_set {
	struct bos_sigma_rule **rules;
	size_t nrules;
	char **skipped;		/* "file:line:col: why", one per skipped file */
	size_t nskipped;
};

void bos_sigma_set_init(struct bos_sigma_set *s);
void bos_sigma_set_release(struct bos_sigma_set *s);
/*
 * Load every *.yml / *.yaml file of dir (not recursive; sorted by name, so the result is
 * deterministic). A file that fails to parse is added to s->skipped, never fatal.
 * Returns 0, or -errno / -BOS_ELIMIT (more than BOS_SIGMA_MAX_RULES) with err filled.
 */
int bos_sigma_set_load_dir(struct bos_sigma_set *s, const char *dir, struct bos_err *err);
/* Add one file (same rules as load_dir: a bad rule is recorded in skipped). */
int bos_sigma_set_load_file(struct bos_sigma_set *s, const char *path, struct bos_err *err);

/* Directory of bos's own rules: $BOS_RULES_DIR, else the source tree's rules/linux if it
 * is there (a build that was not installed), else the installed share/bos/rules/linux. */
const char *bos_sigma_default_dir(void);

/*
 * Match ev against every rule; calls fn(rule, arg) for each match in load order.
 * Returns the number of matches.
 */
size_t bos_sigma_set_match(const struct bos_sigma_set *s, const struct bos_sigma_event *ev,
			   void (*fn)(const struct bos_sigma_rule *r, void *arg), void *arg);

#endif
