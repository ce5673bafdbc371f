#!/usr/bin/env python3
"""Writes an IDS document of N specifications (default 50) matching the
models of bench/gen_ifc.py, for timing a full check (bench_verify).

    bench/gen_ids.py OUT.ids [--count N]

The specifications cycle through every facet kind in applicability and
requirements: entities with and without predefined types, single values,
enumerations, patterns and bounds on properties and quantities (units
converted from the model's millimetres), attributes, classification
references walked up to their system, materials, containment and
aggregation. Some pass on every element, some fail on many, so both the
passing path and the recording of failures are timed.
"""
import argparse
import sys

CLASSES = ['IFCWALL', 'IFCSLAB', 'IFCDOOR', 'IFCWINDOW']
PSETS = {'IFCWALL': 'Pset_WallCommon', 'IFCSLAB': 'Pset_SlabCommon',
         'IFCDOOR': 'Pset_DoorCommon', 'IFCWINDOW': 'Pset_WindowCommon'}
QTOS = {'IFCWALL': 'Qto_WallBaseQuantities', 'IFCSLAB': 'Qto_SlabBaseQuantities',
        'IFCDOOR': 'Qto_DoorBaseQuantities', 'IFCWINDOW': 'Qto_WindowBaseQuantities'}
PDT = {'IFCWALL': 'STANDARD', 'IFCSLAB': 'FLOOR', 'IFCDOOR': 'DOOR', 'IFCWINDOW': 'WINDOW'}


def simple(v):
    return '<simpleValue>%s</simpleValue>' % v


def restriction(base, items):
    return ('<xs:restriction base="%s">' % base +
            ''.join('<xs:%s value="%s"/>' % kv for kv in items) + '</xs:restriction>')


def entity(cls, pdt=None):
    s = '<entity><name>%s</name>' % simple(cls)
    if pdt:
        s += '<predefinedType>%s</predefinedType>' % simple(pdt)
    return s + '</entity>'


def prop(pset, name, value=None, dtype=None, card=None):
    attrs = ''
    if dtype:
        attrs += ' dataType="%s"' % dtype
    if card:
        attrs += ' cardinality="%s"' % card
    s = '<property%s><propertySet>%s</propertySet><baseName>%s</baseName>' % (
        attrs, simple(pset), simple(name))
    if value:
        s += '<value>%s</value>' % value
    return s + '</property>'


def requirements(cls, k):
    pset, qto = PSETS[cls], QTOS[cls]
    kinds = [
        prop(pset, 'FireRating', restriction('xs:string', [('enumeration', 'REI30'),
                                                            ('enumeration', 'REI60'),
                                                            ('enumeration', 'REI90')]),
             'IFCLABEL'),
        prop(pset, 'IsExternal', simple('true'), 'IFCBOOLEAN'),
        prop(pset, 'AcousticRating', restriction('xs:string', [('pattern', 'Rw [0-9]{2}dB')]),
             'IFCLABEL'),
        prop(pset, 'ThermalTransmittance',
             restriction('xs:double', [('minInclusive', '0.2'), ('maxExclusive', '2.0')]),
             'IFCTHERMALTRANSMITTANCEMEASURE'),
        # Qto_Door/WindowBaseQuantities have no Length (the model writes one).
        prop(qto, 'Length', restriction('xs:double', [('maxInclusive', '6')]),
             'IFCLENGTHMEASURE') if cls in ('IFCWALL', 'IFCSLAB') else
        prop(pset, 'Reference', restriction('xs:string', [('pattern', 'T[0-9]{6}')]),
             'IFCIDENTIFIER'),
        '<attribute><name>%s</name><value>%s</value></attribute>' % (
            simple('Name'), restriction('xs:string', [('pattern', '[A-Z][a-z]+ [0-9]+-[0-9]+')])),
        '<classification><value>%s</value><system>%s</system></classification>' % (
            restriction('xs:string', [('pattern', 'EF_25_[0-2].*')]), simple('Uniclass')),
        '<material><value>%s</value></material>' % restriction(
            'xs:string', [('enumeration', 'Concrete'), ('enumeration', 'Brick'),
                          ('enumeration', 'Timber')]),
        '<partOf relation="IFCRELCONTAINEDINSPATIALSTRUCTURE">%s</partOf>' % entity(
            'IFCBUILDINGSTOREY'),
        '<partOf>%s</partOf>' % entity('IFCBUILDING'),
        prop(pset, 'LoadBearing', None, None, 'prohibited'),
        '<attribute><name>%s</name></attribute>' % simple('Tag'),
    ]
    return kinds[k % len(kinds)] + kinds[(k * 7 + 3) % len(kinds)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--count', type=int, default=50)
    args = ap.parse_args()
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<ids xmlns="http://standards.buildingsmart.org/IDS" '
           'xmlns:xs="http://www.w3.org/2001/XMLSchema">',
           '<info><title>Benchmark: %d specifications</title></info><specifications>'
           % args.count]
    for k in range(args.count):
        cls = CLASSES[k % len(CLASSES)]
        app = entity(cls, PDT[cls] if k % 3 == 0 else None)
        if k % 5 == 4:
            app += prop(PSETS[cls], 'IsExternal', simple('true'), 'IFCBOOLEAN')
        out.append('<specification name="Spec %d" ifcVersion="IFC4">'
                   '<applicability minOccurs="%d" maxOccurs="unbounded">%s</applicability>'
                   '<requirements>%s</requirements></specification>'
                   % (k + 1, 0 if k % 4 == 3 else 1, app, requirements(cls, k)))
    out.append('</specifications></ids>')
    with open(args.out, 'w', encoding='utf-8') as f:
        f.write('\n'.join(out) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
