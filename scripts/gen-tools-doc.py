#!/usr/bin/env python3
"""Writes the "## Tools" section of specs/tools.md from the running server.

Starts `idsd serve --stdio` with a scratch root folder, reads tools/list,
and for every tool prints its title, hints, description and an argument
table made from its input schema, then runs one example call of a fixed
authoring session and shows its structuredContent (session ids replaced by
a fixed one). The section is replaced in place, so the page always shows
what the code does.

usage: scripts/gen-tools-doc.py path/to/idsd [specs/tools.md]
"""
import json
import os
import subprocess
import sys
import tempfile

SID = "b8cbbad851e82db473fa94f47fed5ae2"

# The example session: (tool, arguments); the first call of each tool is
# shown. Arguments are what a model would send.
SESSION = [
    ("create_ids", {"title": "Fire safety", "author": "bim@example.org", "date": "2024-06-01"}),
    ("add_specification", {"name": "Walls need a fire rating", "ifc_versions": ["IFC4", "IFC4X3"],
                           "identifier": "FR-1"}),
    ("add_entity_facet", {"location": "applicability", "entity_name": "IfcWall"}),
    ("add_property_facet", {"location": "requirements", "property_set": "Pset_WallCommon",
                            "property_name": "FireRating", "data_type": "IFCLABEL"}),
    ("add_attribute_facet", {"location": "requirements", "attribute_name": "Name"}),
    ("add_enumeration_restriction", {"facet_id": "F2", "values": ["REI60", "REI90"]}),
    ("add_pattern_restriction", {"facet_id": "F2", "pattern": "REI[0-9]+"}),
    ("add_length_restriction", {"facet_id": "F3", "min_length": 1, "max_length": 32}),
    ("add_classification_facet", {"location": "requirements", "classification_system": "Uniclass 2015",
                                  "classification_value": "EF_25_10"}),
    ("add_material_facet", {"location": "requirements", "material_value": "concrete",
                            "cardinality": "optional"}),
    ("add_partof_facet", {"location": "requirements", "parent_entity": "IfcBuildingStorey",
                          "relation": "IfcRelContainedInSpatialStructure"}),
    ("add_property_facet", {"location": "requirements", "property_set": "Pset_WallCommon",
                            "property_name": "Width", "data_type": "IFCLENGTHMEASURE"}),
    ("add_bounds_restriction", {"facet_id": "F7", "min_exclusive": 0, "max_inclusive": 0.5}),
    ("set_restriction", {"facet_id": "F3", "items": [{"facet": "pattern", "value": "[A-Z]+"},
                                                     {"facet": "max_length", "value": 8}]}),
    ("set_facet_parameter", {"facet_id": "F2", "parameter_name": "property_name", "value": "FireResistance"}),
    ("update_facet", {"facet_id": "F5", "cardinality": "required", "instructions": "Name the material"}),
    ("get_specification", {"spec_id": "S1"}),
    ("update_specification", {"spec_id": "S1", "description": "Fire compartments", "usage": "optional"}),
    ("update_ids_info", {"version": "1.1", "purpose": None}),
    ("remove_facet", {"facet_id": "F4"}),
    ("validate_ids", {}),
    ("get_ids_info", {}),
    ("export_ids", {"output_path": "fire.ids"}),
    ("load_ids", {"source": "fire.ids", "source_type": "file"}),
    ("add_specification", {"name": "Doors", "ifc_versions": "IFC4"}),
    ("remove_specification", {"spec_id": "Doors"}),
    ("add_bounds_restriction", {"spec_id": "S9", "min_inclusive": 0}),
    ("close_session", {}),
]


def type_text(p):
    if "$ref" in p:
        return "plain value \\| restriction" if p["$ref"].endswith("/v") else "plain value \\| restriction \\| null"
    if "enum" in p:
        return "enum: " + ", ".join("null" if e is None else str(e) for e in p["enum"])
    t = p.get("type", "any")
    return " \\| ".join(t) if isinstance(t, list) else t


def hints(a):
    ro = a.get("readOnlyHint", False)
    de = a.get("destructiveHint", True) and not ro
    return (f"readOnly {str(ro).lower()}, destructive {str(de).lower()}, "
            f"idempotent {str(a.get('idempotentHint', False)).lower()}, "
            f"openWorld {str(a.get('openWorldHint', True)).lower()}")


def scrub(v):
    if isinstance(v, dict):
        return {k: scrub(x) for k, x in v.items()}
    if isinstance(v, list):
        return [scrub(x) for x in v]
    if isinstance(v, str) and len(v) == 32 and all(c in "0123456789abcdef" for c in v):
        return SID
    return v


def main():
    idsd = sys.argv[1]
    page = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "specs", "tools.md")
    root = tempfile.mkdtemp(prefix="idsd-doc-")
    msgs = [{"jsonrpc": "2.0", "id": 1, "method": "initialize",
             "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "doc", "version": "1"}}},
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
            {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}]
    for i, (name, args) in enumerate(SESSION):
        msgs.append({"jsonrpc": "2.0", "id": 10 + i, "method": "tools/call", "params": {"name": name, "arguments": args}})
    out = subprocess.run([idsd, "serve", "--stdio", "--log-level", "error", "--root", root], capture_output=True,
                         text=True, input="\n".join(json.dumps(m) for m in msgs) + "\n", check=True).stdout
    replies = {}
    for line in out.splitlines():
        m = json.loads(line)
        if "id" in m:
            replies[m["id"]] = m
    tools = replies[2]["result"]["tools"]
    shown = {}
    for i, (name, args) in enumerate(SESSION):
        if name not in shown:
            shown[name] = (args, replies[10 + i]["result"])
    lines = ["## Tools", "",
             "Generated by `scripts/gen-tools-doc.py` from the server itself: each tool's",
             "listing and one call of an authoring session (session ids replaced).", ""]
    for t in tools:
        lines += [f"### {t['name']}", "", f"*{t['title']}* — {hints(t['annotations'])}.", "", t["description"], ""]
        props = t["inputSchema"].get("properties", {})
        req = set(t["inputSchema"].get("required", []))
        lines += ["| argument | type | required | description |", "|---|---|---|---|"]
        for k, p in props.items():
            d = p.get("description", "").replace("|", "\\|")
            lines.append(f"| `{k}` | {type_text(p)} | {'yes' if k in req else 'no'} | {d} |")
        lines.append("")
        if t["name"] in shown:
            args, res = shown[t["name"]]
            what = "Example failure" if res.get("isError") else "Example"
            body = scrub(res.get("structuredContent"))
            if t["name"] == "export_ids" and body.get("xml"):
                body["xml"] = body["xml"][:60] + "..."
            lines += [f"{what} — arguments `{json.dumps(args, ensure_ascii=False, separators=(',', ':'))}`:", "",
                      "```json", json.dumps(body, indent=1, ensure_ascii=False), "```", ""]
    text = open(page, encoding="utf-8").read()
    head = text[:text.index("## Tools\n")]
    open(page, "w", encoding="utf-8").write(head + "\n".join(lines).rstrip() + "\n")


if __name__ == "__main__":
    main()
