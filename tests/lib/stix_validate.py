#!/usr/bin/python3
"""Validate STIX 2.1 JSON against the official OASIS JSON schemas (draft 2020-12).

usage: stix_validate.py [--schemas DIR] FILE.json [FILE.json ...]

Exit 0 if every file is valid, 1 if any is not (errors on stderr, one per line with the
JSON path), 2 on usage errors. A bundle is checked against common/bundle.json and every
object in it also against the schema of its own type (sdos/, sros/, observables/, common/),
which gives precise messages where the bundle's oneOf would only say "not valid under any".
A single object (no "bundle" type) is checked against its type's schema.

Schemas: $BOS_SHARED/corpus/stix/schemas by default (the OASIS cti-stix2-json-schemas tree,
unchanged); their "$ref": "../common/x.json" are resolved against each schema's "$id" from
a local store, so nothing is fetched over the network. Uses Debian's python3-jsonschema
(4.10: RefResolver; newer versions' "referencing" registry is used when present).
"""
import json
import os
import sys

import jsonschema


def load_schemas(root):
    store = {}
    by_type = {}
    for sub in ("common", "sdos", "sros", "observables"):
        d = os.path.join(root, sub)
        for name in sorted(os.listdir(d)):
            if not name.endswith(".json"):
                continue
            with open(os.path.join(d, name), encoding="utf-8") as f:
                schema = json.load(f)
            store[schema["$id"]] = schema
            by_type[name[:-5]] = schema
    return store, by_type


def make_validator(schema, store):
    cls = jsonschema.Draft202012Validator
    try:
        from referencing import Registry, Resource  # jsonschema >= 4.18

        registry = Registry().with_resources(
            (uri, Resource.from_contents(s)) for uri, s in store.items())
        return cls(schema, registry=registry)
    except ImportError:
        resolver = jsonschema.RefResolver(schema["$id"], schema, store=store)
        return cls(schema, resolver=resolver)


def path_of(err):
    p = "$"
    for part in err.absolute_path:
        p += "[%d]" % part if isinstance(part, int) else ".%s" % part
    return p


def check(doc, store, by_type):
    errors = []

    def run(schema, inst, prefix):
        v = make_validator(schema, store)
        for e in sorted(v.iter_errors(inst), key=lambda e: list(e.absolute_path)):
            msg = e.message if len(e.message) <= 300 else e.message[:300] + "..."
            errors.append("%s%s: %s" % (prefix, path_of(e)[1:], msg))

    if not isinstance(doc, dict) or "type" not in doc:
        return ["$: not a STIX object (no \"type\")"]
    if doc["type"] == "bundle":
        run(by_type["bundle"], doc, "$")
        objs = doc.get("objects", [])
        if not isinstance(objs, list):
            return errors
        for i, obj in enumerate(objs):
            t = obj.get("type") if isinstance(obj, dict) else None
            if t in by_type and t != "bundle":
                run(by_type[t], obj, "$.objects[%d]" % i)
    elif doc["type"] in by_type:
        run(by_type[doc["type"]], doc, "$")
    else:
        errors.append("$.type: no schema for type %r" % doc["type"])
    return errors


def main(argv):
    args = argv[1:]
    root = os.path.join(os.environ.get("BOS_SHARED", "/work/shared"), "corpus/stix/schemas")
    if len(args) >= 2 and args[0] == "--schemas":
        root = args[1]
        args = args[2:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    store, by_type = load_schemas(root)
    bad = 0
    for path in args:
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print("%s: not readable JSON: %s" % (path, e), file=sys.stderr)
            bad += 1
            continue
        errs = check(doc, store, by_type)
        for e in errs:
            print("%s: %s" % (path, e), file=sys.stderr)
        if errs:
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
