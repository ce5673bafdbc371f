/*
 * model.h - an opened IFC model: the STEP reader's instances mapped onto
 * the schema of the file's version, the inverse relations an IDS checker
 * walks, and the project's units.
 *
 * Built once after opening (one pass over the relationship instances);
 * read-only afterwards, so any number of threads may query one model at
 * once (each with its own ifc_step_scratch for strings).
 */
#ifndef IFC_MODEL_H
#define IFC_MODEL_H

#include "ifc/ifc.h"
#include "ifc/step.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ifc_model ifc_model;

/* The relations kept per instance, each naming the instance at the other
 * end, in the file order of the relationship instances. */
typedef enum ifc_model_rel {
    IFC_REL_PROPERTIES = 0, /* property definitions: IsDefinedBy (IfcRelDefinesByProperties),
                             * and for a type object its HasPropertySets */
    IFC_REL_TYPE,           /* the type object: IsTypedBy (IFC2X3: IsDefinedBy) */
    IFC_REL_CLASSIFICATION, /* HasAssociations: RelatingClassification; for a
                             * resource (IFC4) HasExternalReferences' RelatingReference */
    IFC_REL_MATERIAL,       /* HasAssociations: RelatingMaterial */
    IFC_REL_AGGREGATED_IN,  /* Decomposes: the whole of an IfcRelAggregates */
    IFC_REL_NESTED_IN,      /* Nests (IFC2X3: Decomposes): the whole of an IfcRelNests */
    IFC_REL_CONTAINED_IN,   /* ContainedInStructure: the spatial structure */
    IFC_REL_FILLS,          /* FillsVoids: the opening this element fills */
    IFC_REL_VOIDS,          /* VoidsElements (of an opening): the element it voids */
    IFC_REL_HAS_OPENINGS,   /* HasOpenings: the openings of an element */
    IFC_REL_GROUP,          /* HasAssignments: the group of an IfcRelAssignsToGroup */
    IFC_REL_AGGREGATES,     /* IsDecomposedBy: the parts of an IfcRelAggregates */
    IFC_REL_COUNT
} ifc_model_rel;

/* "properties", "type", ... */
const char *ifc_model_rel_name(ifc_model_rel rel);

/* Builds the model over an open reader, taking it over: on success and on
 * failure alike the reader belongs to the model (closed with it, or at
 * once on failure). Fails with IFC_STEP_ERR_UNSUPPORTED when FILE_SCHEMA
 * names no version the tables hold, and with the reader's error when a
 * relationship instance is malformed or references an id the file lacks. */
ifc_step_status ifc_model_new(ifc_step_reader *reader, ifc_model **out, ifc_step_error *err);
/* ifc_step_open_file, then ifc_model_new. */
ifc_step_status ifc_model_open_file(const char *path, const ifc_step_limits *limits,
                                    ifc_model **out, ifc_step_error *err);
/* ifc_step_open_memory (the caller keeps data alive), then ifc_model_new. */
ifc_step_status ifc_model_open_memory(const void *data, size_t len,
                                      const ifc_step_limits *limits, ifc_model **out,
                                      ifc_step_error *err);
void ifc_model_free(ifc_model *model);

const ifc_step_reader *ifc_model_reader(const ifc_model *model);
ifc_version ifc_model_version(const ifc_model *model);
const ifc_schema *ifc_model_schema(const ifc_model *model);
/* Bytes held: the reader's and the index's (not the mapped file). */
size_t ifc_model_memory_bytes(const ifc_model *model);

/* The entity of an instance, IFC_NONE for a type name the schema lacks
 * and for complex instances. O(1). */
ifc_entity ifc_model_entity_of(const ifc_model *model, ifc_step_inst inst);
/* The instances of exactly this class, in file order; *n set. */
const ifc_step_inst *ifc_model_instances(const ifc_model *model, ifc_entity e, size_t *n);
/* How many instances are of e or (with subtypes) of its subtypes. */
size_t ifc_model_count(const ifc_model *model, ifc_entity e, bool subtypes);
/* The instances of e and, with subtypes, of its subtypes, in file order,
 * in a malloc'd array (*out NULL when *n is 0). IFC_STEP_ERR_NOMEM on
 * failure. */
ifc_step_status ifc_model_collect(const ifc_model *model, ifc_entity e, bool subtypes,
                                  ifc_step_inst **out, size_t *n);

/* The instances at the other end of inst's relations of one kind; *n set.
 * The array belongs to the model. */
const ifc_step_inst *ifc_model_related(const ifc_model *model, ifc_step_inst inst,
                                       ifc_model_rel rel, size_t *n);
/* The first of those, or IFC_STEP_NO_INST. */
ifc_step_inst ifc_model_related_first(const ifc_model *model, ifc_step_inst inst,
                                      ifc_model_rel rel);

/* ---- units --------------------------------------------------------------- */

/* The factor that turns a value in the unit instance unit (IfcSIUnit,
 * IfcConversionBasedUnit, IfcDerivedUnit, IfcMonetaryUnit) into SI base
 * units (millimetre: 0.001; square millimetre: 1e-6; foot: 0.3048). False
 * when the instance is none of these or its definition cannot be read. */
bool ifc_model_unit_factor(const ifc_model *model, ifc_step_inst unit, double *factor);
/* The project's default unit of a unit type as IfcUnitEnum writes it
 * ("LENGTHUNIT", "AREAUNIT"; IfcDerivedUnitEnum for derived ones), from
 * IfcProject.UnitsInContext; IFC_STEP_NO_INST when it assigns none. */
ifc_step_inst ifc_model_project_unit(const ifc_model *model, const char *unit_type);

#ifdef __cplusplus
}
#endif

#endif /* IFC_MODEL_H */
