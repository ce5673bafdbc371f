#!/usr/bin/env python3
"""Writes a synthetic but valid IFC4 model of about a given size.

    bench/gen_ifc.py SIZE OUT.ifc [--seed N] [--one-line]

SIZE is bytes with an optional k/M/G suffix (100M). The model is one
project, site and building with storeys of walls, slabs, doors and windows;
each element has a placement and an extruded-rectangle body, a property
set of single values, an element quantity, a type (shared), a material
(shared) and a classification reference (shared), and is contained in its
storey; the storeys aggregate into the building. Names now and then carry
non-ASCII text in \\X2\\ encoding. --one-line writes the whole DATA section
on one line (a stress case for line handling). The same seed gives the
same bytes.
"""
import argparse
import random
import sys

ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$'

KINDS = [
    # class, type class, predefined type, property set
    ('IFCWALL', 'IFCWALLTYPE', 'STANDARD', 'Pset_WallCommon'),
    ('IFCSLAB', 'IFCSLABTYPE', 'FLOOR', 'Pset_SlabCommon'),
    ('IFCDOOR', 'IFCDOORTYPE', 'DOOR', 'Pset_DoorCommon'),
    ('IFCWINDOW', 'IFCWINDOWTYPE', 'WINDOW', 'Pset_WindowCommon'),
]
WEIGHTS = [5, 2, 2, 3]
FIRE = ['REI30', 'REI60', 'REI90', 'EI30', 'EI60']
ACOUSTIC = ['Rw 42dB', 'Rw 48dB', 'Rw 52dB']
MATERIALS = ['Concrete C30/37', 'Brick', 'Gypsum board', 'Timber', 'Glass',
             'Steel S355', 'Mineral wool']
UNICODE_NAMES = ['\\X2\\00C4\\X0\\u\\X2\\00DF\\X0\\enwand',   # Außenwand-like
                 'T\\X2\\00FC\\X0\\r',
                 '\\X2\\0421\\X0\\\\X2\\0442\\X0\\ena']


def parse_size(text):
    mult = {'k': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}
    if text[-1] in mult:
        return int(float(text[:-1]) * mult[text[-1]])
    return int(text)


class Writer:
    def __init__(self, out, one_line, rng):
        self.out = out
        self.next_id = 1
        self.bytes = 0
        self.sep = '' if one_line else '\n'
        self.rng = rng
        self.buf = []

    def add(self, record):
        i = self.next_id
        self.next_id += 1
        line = '#%d=%s;%s' % (i, record, self.sep)
        self.buf.append(line)
        self.bytes += len(line)
        if len(self.buf) >= 4096:
            self.flush()
        return i

    def flush(self):
        self.out.write(''.join(self.buf))
        self.buf = []

    def guid(self):
        r = self.rng
        return ''.join(ALPHABET[r.randrange(64)] for _ in range(22))


def ref_list(ids):
    return '(' + ','.join('#%d' % i for i in ids) + ')'


def real(x):
    text = repr(round(x, 6))
    return text if '.' in text or 'e' in text else text + '.'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('size')
    ap.add_argument('out')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--one-line', action='store_true')
    args = ap.parse_args()
    target = parse_size(args.size)
    rng = random.Random(args.seed)
    with open(args.out, 'w', encoding='ascii', newline='\n') as out:
        out.write("ISO-10303-21;\nHEADER;\n"
                  "FILE_DESCRIPTION(('ViewDefinition [ReferenceView_V1.2]'),'2;1');\n"
                  "FILE_NAME('synthetic.ifc','2024-01-01T00:00:00',('bench'),('idsd'),"
                  "'gen_ifc.py','gen_ifc.py','');\n"
                  "FILE_SCHEMA(('IFC4'));\nENDSEC;\nDATA;\n")
        w = Writer(out, args.one_line, rng)
        generate(w, target, rng)
        w.flush()
        out.write("%sENDSEC;\nEND-ISO-10303-21;\n" % ('\n' if args.one_line else ''))


def generate(w, target, rng):
    g = w.guid
    # Units, contexts, owner history.
    person = w.add("IFCPERSON($,'Doe','John',$,$,$,$,$)")
    org = w.add("IFCORGANIZATION($,'idsd bench',$,$,$)")
    po = w.add('IFCPERSONANDORGANIZATION(#%d,#%d,$)' % (person, org))
    app = w.add("IFCAPPLICATION(#%d,'1.0','gen_ifc','gen_ifc')" % org)
    oh = w.add('IFCOWNERHISTORY(#%d,#%d,$,.ADDED.,$,$,$,1704067200)' % (po, app))
    units = [w.add('IFCSIUNIT(*,.LENGTHUNIT.,.MILLI.,.METRE.)'),
             w.add('IFCSIUNIT(*,.AREAUNIT.,$,.SQUARE_METRE.)'),
             w.add('IFCSIUNIT(*,.VOLUMEUNIT.,$,.CUBIC_METRE.)'),
             w.add('IFCSIUNIT(*,.PLANEANGLEUNIT.,$,.RADIAN.)')]
    ua = w.add('IFCUNITASSIGNMENT(%s)' % ref_list(units))
    origin = w.add('IFCCARTESIANPOINT((0.,0.,0.))')
    zdir = w.add('IFCDIRECTION((0.,0.,1.))')
    xdir = w.add('IFCDIRECTION((1.,0.,0.))')
    world = w.add('IFCAXIS2PLACEMENT3D(#%d,#%d,#%d)' % (origin, zdir, xdir))
    ctx = w.add("IFCGEOMETRICREPRESENTATIONCONTEXT($,'Model',3,1.E-05,#%d,$)" % world)
    body = w.add("IFCGEOMETRICREPRESENTATIONSUBCONTEXT('Body','Model',*,*,*,*,#%d,$,"
                 ".MODEL_VIEW.,$)" % ctx)
    project = w.add("IFCPROJECT('%s',#%d,'Bench project',$,$,$,$,(#%d),#%d)"
                    % (g(), oh, ctx, ua))
    site_pl = w.add('IFCLOCALPLACEMENT($,#%d)' % world)
    site = w.add("IFCSITE('%s',#%d,'Site',$,$,#%d,$,$,.ELEMENT.,$,$,$,$,$)"
                 % (g(), oh, site_pl))
    bldg_pl = w.add('IFCLOCALPLACEMENT(#%d,#%d)' % (site_pl, world))
    bldg = w.add("IFCBUILDING('%s',#%d,'Building',$,$,#%d,$,$,.ELEMENT.,$,$,$)"
                 % (g(), oh, bldg_pl))
    w.add("IFCRELAGGREGATES('%s',#%d,$,$,#%d,(#%d))" % (g(), oh, project, site))
    w.add("IFCRELAGGREGATES('%s',#%d,$,$,#%d,(#%d))" % (g(), oh, site, bldg))

    # Shared materials, classification, types.
    materials = [w.add("IFCMATERIAL('%s',$,'%s')" % (m, m.split()[0]))
                 for m in MATERIALS]
    system = w.add("IFCCLASSIFICATION('NBS','2023',$,'Uniclass',$,$,$)")
    codes = []
    for k in range(40):
        codes.append(w.add("IFCCLASSIFICATIONREFERENCE($,'EF_25_%02d','Element %d',#%d,$,$)"
                           % (k, k, system)))
    types = {}
    for cls, tcls, pdt, _ in KINDS:
        ids = []
        for k in range(3):
            if tcls in ('IFCDOORTYPE', 'IFCWINDOWTYPE'):
                rec = ("%s('%s',#%d,'%s type %d',$,$,$,$,$,$,.%s.,.NOTDEFINED.,.F.,$)"
                       % (tcls, g(), oh, cls[3:].title(), k, pdt))
            else:
                rec = ("%s('%s',#%d,'%s type %d',$,$,$,$,$,$,.%s.)"
                       % (tcls, g(), oh, cls[3:].title(), k, pdt))
            ids.append(w.add(rec))
        types[cls] = ids

    storey_n = 0
    while w.bytes < target:
        storey_n += 1
        elev = 3000.0 * (storey_n - 1)
        pt = w.add('IFCCARTESIANPOINT((0.,0.,%s))' % real(elev))
        ax = w.add('IFCAXIS2PLACEMENT3D(#%d,$,$)' % pt)
        st_pl = w.add('IFCLOCALPLACEMENT(#%d,#%d)' % (bldg_pl, ax))
        storey = w.add("IFCBUILDINGSTOREY('%s',#%d,'Level %d',$,$,#%d,$,$,.ELEMENT.,%s)"
                       % (g(), oh, storey_n, st_pl, real(elev)))
        w.add("IFCRELAGGREGATES('%s',#%d,$,$,#%d,(#%d))" % (g(), oh, bldg, storey))
        # Per storey: up to 2000 elements, grouped in relations of 250.
        elements = []
        by_type = {}
        by_material = {}
        by_code = {}
        for _ in range(2000):
            if w.bytes >= target:
                break
            cls, tcls, pdt, pset = rng.choices(KINDS, WEIGHTS)[0]
            n = len(elements) + 1
            x, y = rng.uniform(0, 60000), rng.uniform(0, 40000)
            p = w.add('IFCCARTESIANPOINT((%s,%s,0.))' % (real(x), real(y)))
            a = w.add('IFCAXIS2PLACEMENT3D(#%d,#%d,#%d)' % (p, zdir, xdir))
            pl = w.add('IFCLOCALPLACEMENT(#%d,#%d)' % (st_pl, a))
            length, thick = rng.uniform(500, 8000), rng.choice([100., 200., 300.])
            prof = w.add("IFCRECTANGLEPROFILEDEF(.AREA.,$,$,%s,%s)" % (real(length),
                                                                          real(thick)))
            solid = w.add('IFCEXTRUDEDAREASOLID(#%d,#%d,#%d,%s)' % (prof, world, zdir,
                                                                     real(2800.0)))
            rep = w.add("IFCSHAPEREPRESENTATION(#%d,'Body','SweptSolid',(#%d))" % (body, solid))
            shape = w.add('IFCPRODUCTDEFINITIONSHAPE($,$,(#%d))' % rep)
            name = ('%s %d-%d' % (cls[3:].title(), storey_n, n))
            if rng.random() < 0.05:
                name = rng.choice(UNICODE_NAMES) + ' %d' % n
            tag = 'T%06d' % rng.randrange(1000000)
            if cls == 'IFCWALL':
                rec = ("IFCWALL('%s',#%d,'%s','An ''external'' wall',$,#%d,#%d,'%s',.%s.)"
                       % (g(), oh, name, pl, shape, tag, pdt))
            elif cls == 'IFCSLAB':
                rec = ("IFCSLAB('%s',#%d,'%s',$,$,#%d,#%d,'%s',.%s.)"
                       % (g(), oh, name, pl, shape, tag, pdt))
            else:
                rec = ("%s('%s',#%d,'%s',$,$,#%d,#%d,'%s',%s,%s,.%s.,$,$)"
                       % (cls, g(), oh, name, pl, shape, tag, real(2100.0), real(900.0), pdt))
            e = w.add(rec)
            elements.append(e)
            props = [
                w.add("IFCPROPERTYSINGLEVALUE('Reference',$,IFCIDENTIFIER('%s'),$)" % tag),
                w.add("IFCPROPERTYSINGLEVALUE('IsExternal',$,IFCBOOLEAN(.%s.),$)"
                      % rng.choice('TF')),
                w.add("IFCPROPERTYSINGLEVALUE('FireRating',$,IFCLABEL('%s'),$)"
                      % rng.choice(FIRE)),
                w.add("IFCPROPERTYSINGLEVALUE('AcousticRating',$,IFCLABEL('%s'),$)"
                      % rng.choice(ACOUSTIC)),
                w.add("IFCPROPERTYSINGLEVALUE('ThermalTransmittance',$,"
                      "IFCTHERMALTRANSMITTANCEMEASURE(%s),$)" % real(rng.uniform(0.1, 2.5))),
                w.add("IFCPROPERTYSINGLEVALUE('LoadBearing',$,IFCBOOLEAN(.%s.),$)"
                      % rng.choice('TF')),
            ]
            ps = w.add("IFCPROPERTYSET('%s',#%d,'%s',$,%s)" % (g(), oh, pset, ref_list(props)))
            w.add("IFCRELDEFINESBYPROPERTIES('%s',#%d,$,$,(#%d),#%d)" % (g(), oh, e, ps))
            qs = [
                w.add("IFCQUANTITYLENGTH('Length',$,$,%s,$)" % real(length)),
                w.add("IFCQUANTITYAREA('NetSideArea',$,$,%s,$)"
                      % real(length * 2800.0 / 1e6)),
                w.add("IFCQUANTITYVOLUME('NetVolume',$,$,%s,$)"
                      % real(length * 2800.0 * thick / 1e9)),
            ]
            eq = w.add("IFCELEMENTQUANTITY('%s',#%d,'Qto_%sBaseQuantities',$,$,%s)"
                       % (g(), oh, cls[3:].title(), ref_list(qs)))
            w.add("IFCRELDEFINESBYPROPERTIES('%s',#%d,$,$,(#%d),#%d)" % (g(), oh, e, eq))
            by_type.setdefault(rng.choice(types[cls]), []).append(e)
            by_material.setdefault(rng.choice(materials), []).append(e)
            by_code.setdefault(rng.choice(codes), []).append(e)
        for start in range(0, len(elements), 250):
            w.add("IFCRELCONTAINEDINSPATIALSTRUCTURE('%s',#%d,$,$,%s,#%d)"
                  % (g(), oh, ref_list(elements[start:start + 250]), storey))
        for t, objs in by_type.items():
            w.add("IFCRELDEFINESBYTYPE('%s',#%d,$,$,%s,#%d)" % (g(), oh, ref_list(objs), t))
        for m, objs in by_material.items():
            w.add("IFCRELASSOCIATESMATERIAL('%s',#%d,$,$,%s,#%d)"
                  % (g(), oh, ref_list(objs), m))
        for c, objs in by_code.items():
            w.add("IFCRELASSOCIATESCLASSIFICATION('%s',#%d,$,$,%s,#%d)"
                  % (g(), oh, ref_list(objs), c))


if __name__ == '__main__':
    sys.exit(main())
