/*
 * datatypes.c - the IFC dataTypes a property facet may name, with the XML
 * Schema base type a restriction on its value must use, and the lexical
 * forms of those base types.
 *
 * The table is data derived from the IDS documentation's DataTypes.md
 * (buildingSMART/IDS Documentation, the commit named in the shared
 * material's ATTRIBUTION.md): 391 rows, the union of the IFC2X3, IFC4 and
 * IFC4X3 columns, sorted by name for binary search. Which versions carry a
 * type is not kept: telling a dataType that exists only in another version
 * apart needs the version-specific rule set (P5 per version), and a name
 * that is no IFC data type in any version is the case worth catching here.
 *
 * The lexical forms follow the regular expressions of the same document
 * (the audit tool uses the same ones); they are written as small matchers
 * because POSIX regex has no \d and libxml2's XSD regex engine is anchored
 * differently.
 */
#include "ids/validate_internal.h"

#include <stdlib.h>
#include <string.h>

enum base_code { S = 0, D, I, B, DA, DT, DU, T };

static const char *const base_names[] = {
    [S] = "xs:string", [D] = "xs:double", [I] = "xs:integer", [B] = "xs:boolean",
    [DA] = "xs:date", [DT] = "xs:dateTime", [DU] = "xs:duration", [T] = "xs:time",
};

typedef struct datatype_row {
    const char *name;
    unsigned char base;
} datatype_row;

/* 391 rows (DataTypes.md, all versions). */
static const datatype_row datatypes[] = {
    {"IFCABSORBEDDOSEMEASURE", D},
    {"IFCACCELERATIONMEASURE", D},
    {"IFCACTIONREQUESTTYPEENUM", S},
    {"IFCACTIONSOURCETYPEENUM", S},
    {"IFCACTIONTYPEENUM", S},
    {"IFCACTUATORTYPEENUM", S},
    {"IFCADDRESSTYPEENUM", S},
    {"IFCAIRTERMINALBOXTYPEENUM", S},
    {"IFCAIRTERMINALTYPEENUM", S},
    {"IFCAIRTOAIRHEATRECOVERYTYPEENUM", S},
    {"IFCALARMTYPEENUM", S},
    {"IFCALIGNMENTCANTSEGMENTTYPEENUM", S},
    {"IFCALIGNMENTHORIZONTALSEGMENTTYPEENUM", S},
    {"IFCALIGNMENTTYPEENUM", S},
    {"IFCALIGNMENTVERTICALSEGMENTTYPEENUM", S},
    {"IFCAMOUNTOFSUBSTANCEMEASURE", D},
    {"IFCANALYSISMODELTYPEENUM", S},
    {"IFCANALYSISTHEORYTYPEENUM", S},
    {"IFCANGULARVELOCITYMEASURE", D},
    {"IFCANNOTATIONTYPEENUM", S},
    {"IFCAREADENSITYMEASURE", D},
    {"IFCAREAMEASURE", D},
    {"IFCARITHMETICOPERATORENUM", S},
    {"IFCASSEMBLYPLACEENUM", S},
    {"IFCAUDIOVISUALAPPLIANCETYPEENUM", S},
    {"IFCBEAMTYPEENUM", S},
    {"IFCBEARINGTYPEENUM", S},
    {"IFCBENCHMARKENUM", S},
    {"IFCBOILERTYPEENUM", S},
    {"IFCBOOLEAN", B},
    {"IFCBOXALIGNMENT", S},
    {"IFCBRIDGEPARTTYPEENUM", S},
    {"IFCBRIDGETYPEENUM", S},
    {"IFCBUILDINGELEMENTPARTTYPEENUM", S},
    {"IFCBUILDINGELEMENTPROXYTYPEENUM", S},
    {"IFCBUILDINGSYSTEMTYPEENUM", S},
    {"IFCBUILTSYSTEMTYPEENUM", S},
    {"IFCBURNERTYPEENUM", S},
    {"IFCCABLECARRIERFITTINGTYPEENUM", S},
    {"IFCCABLECARRIERSEGMENTTYPEENUM", S},
    {"IFCCABLEFITTINGTYPEENUM", S},
    {"IFCCABLESEGMENTTYPEENUM", S},
    {"IFCCAISSONFOUNDATIONTYPEENUM", S},
    {"IFCCARDINALPOINTREFERENCE", I},
    {"IFCCHANGEACTIONENUM", S},
    {"IFCCHILLERTYPEENUM", S},
    {"IFCCHIMNEYTYPEENUM", S},
    {"IFCCOILTYPEENUM", S},
    {"IFCCOLUMNTYPEENUM", S},
    {"IFCCOMMUNICATIONSAPPLIANCETYPEENUM", S},
    {"IFCCOMPLEXPROPERTYTEMPLATETYPEENUM", S},
    {"IFCCOMPRESSORTYPEENUM", S},
    {"IFCCONDENSERTYPEENUM", S},
    {"IFCCONNECTIONTYPEENUM", S},
    {"IFCCONSTRAINTENUM", S},
    {"IFCCONSTRUCTIONEQUIPMENTRESOURCETYPEENUM", S},
    {"IFCCONSTRUCTIONMATERIALRESOURCETYPEENUM", S},
    {"IFCCONSTRUCTIONPRODUCTRESOURCETYPEENUM", S},
    {"IFCCONTEXTDEPENDENTMEASURE", D},
    {"IFCCONTROLLERTYPEENUM", S},
    {"IFCCONVEYORSEGMENTTYPEENUM", S},
    {"IFCCOOLEDBEAMTYPEENUM", S},
    {"IFCCOOLINGTOWERTYPEENUM", S},
    {"IFCCOSTITEMTYPEENUM", S},
    {"IFCCOSTSCHEDULETYPEENUM", S},
    {"IFCCOUNTMEASURE", I},
    {"IFCCOURSETYPEENUM", S},
    {"IFCCOVERINGTYPEENUM", S},
    {"IFCCREWRESOURCETYPEENUM", S},
    {"IFCCURRENCYENUM", S},
    {"IFCCURTAINWALLTYPEENUM", S},
    {"IFCCURVATUREMEASURE", D},
    {"IFCCURVEINTERPOLATIONENUM", S},
    {"IFCDAMPERTYPEENUM", S},
    {"IFCDATAORIGINENUM", S},
    {"IFCDATE", DA},
    {"IFCDATETIME", DT},
    {"IFCDAYINMONTHNUMBER", I},
    {"IFCDAYINWEEKNUMBER", I},
    {"IFCDAYLIGHTSAVINGHOUR", I},
    {"IFCDERIVEDUNITENUM", S},
    {"IFCDESCRIPTIVEMEASURE", S},
    {"IFCDIMENSIONCOUNT", I},
    {"IFCDIRECTIONSENSEENUM", S},
    {"IFCDISCRETEACCESSORYTYPEENUM", S},
    {"IFCDISTRIBUTIONBOARDTYPEENUM", S},
    {"IFCDISTRIBUTIONCHAMBERELEMENTTYPEENUM", S},
    {"IFCDISTRIBUTIONPORTTYPEENUM", S},
    {"IFCDISTRIBUTIONSYSTEMENUM", S},
    {"IFCDOCUMENTCONFIDENTIALITYENUM", S},
    {"IFCDOCUMENTSTATUSENUM", S},
    {"IFCDOORPANELOPERATIONENUM", S},
    {"IFCDOORPANELPOSITIONENUM", S},
    {"IFCDOORSTYLECONSTRUCTIONENUM", S},
    {"IFCDOORSTYLEOPERATIONENUM", S},
    {"IFCDOORTYPEENUM", S},
    {"IFCDOORTYPEOPERATIONENUM", S},
    {"IFCDOSEEQUIVALENTMEASURE", D},
    {"IFCDUCTFITTINGTYPEENUM", S},
    {"IFCDUCTSEGMENTTYPEENUM", S},
    {"IFCDUCTSILENCERTYPEENUM", S},
    {"IFCDURATION", DU},
    {"IFCDYNAMICVISCOSITYMEASURE", D},
    {"IFCEARTHWORKSCUTTYPEENUM", S},
    {"IFCEARTHWORKSFILLTYPEENUM", S},
    {"IFCELECTRICAPPLIANCETYPEENUM", S},
    {"IFCELECTRICCAPACITANCEMEASURE", D},
    {"IFCELECTRICCHARGEMEASURE", D},
    {"IFCELECTRICCONDUCTANCEMEASURE", D},
    {"IFCELECTRICCURRENTENUM", S},
    {"IFCELECTRICCURRENTMEASURE", D},
    {"IFCELECTRICDISTRIBUTIONBOARDTYPEENUM", S},
    {"IFCELECTRICDISTRIBUTIONPOINTFUNCTIONENUM", S},
    {"IFCELECTRICFLOWSTORAGEDEVICETYPEENUM", S},
    {"IFCELECTRICFLOWTREATMENTDEVICETYPEENUM", S},
    {"IFCELECTRICGENERATORTYPEENUM", S},
    {"IFCELECTRICHEATERTYPEENUM", S},
    {"IFCELECTRICMOTORTYPEENUM", S},
    {"IFCELECTRICRESISTANCEMEASURE", D},
    {"IFCELECTRICTIMECONTROLTYPEENUM", S},
    {"IFCELECTRICVOLTAGEMEASURE", D},
    {"IFCELEMENTASSEMBLYTYPEENUM", S},
    {"IFCELEMENTCOMPOSITIONENUM", S},
    {"IFCENERGYMEASURE", D},
    {"IFCENERGYSEQUENCEENUM", S},
    {"IFCENGINETYPEENUM", S},
    {"IFCENVIRONMENTALIMPACTCATEGORYENUM", S},
    {"IFCEVAPORATIVECOOLERTYPEENUM", S},
    {"IFCEVAPORATORTYPEENUM", S},
    {"IFCEVENTTRIGGERTYPEENUM", S},
    {"IFCEVENTTYPEENUM", S},
    {"IFCEXTERNALSPATIALELEMENTTYPEENUM", S},
    {"IFCFACILITYPARTCOMMONTYPEENUM", S},
    {"IFCFACILITYUSAGEENUM", S},
    {"IFCFANTYPEENUM", S},
    {"IFCFASTENERTYPEENUM", S},
    {"IFCFILTERTYPEENUM", S},
    {"IFCFIRESUPPRESSIONTERMINALTYPEENUM", S},
    {"IFCFLOWDIRECTIONENUM", S},
    {"IFCFLOWINSTRUMENTTYPEENUM", S},
    {"IFCFLOWMETERTYPEENUM", S},
    {"IFCFONTSTYLE", S},
    {"IFCFONTVARIANT", S},
    {"IFCFONTWEIGHT", S},
    {"IFCFOOTINGTYPEENUM", S},
    {"IFCFORCEMEASURE", D},
    {"IFCFREQUENCYMEASURE", D},
    {"IFCFURNITURETYPEENUM", S},
    {"IFCGASTERMINALTYPEENUM", S},
    {"IFCGEOGRAPHICELEMENTTYPEENUM", S},
    {"IFCGEOMETRICPROJECTIONENUM", S},
    {"IFCGEOTECHNICALSTRATUMTYPEENUM", S},
    {"IFCGLOBALLYUNIQUEID", S},
    {"IFCGLOBALORLOCALENUM", S},
    {"IFCGRIDTYPEENUM", S},
    {"IFCHEATEXCHANGERTYPEENUM", S},
    {"IFCHEATFLUXDENSITYMEASURE", D},
    {"IFCHEATINGVALUEMEASURE", D},
    {"IFCHOURINDAY", I},
    {"IFCHUMIDIFIERTYPEENUM", S},
    {"IFCIDENTIFIER", S},
    {"IFCILLUMINANCEMEASURE", D},
    {"IFCIMPACTPROTECTIONDEVICETYPEENUM", S},
    {"IFCINDUCTANCEMEASURE", D},
    {"IFCINTEGER", I},
    {"IFCINTEGERCOUNTRATEMEASURE", I},
    {"IFCINTERCEPTORTYPEENUM", S},
    {"IFCINTERNALOREXTERNALENUM", S},
    {"IFCINVENTORYTYPEENUM", S},
    {"IFCIONCONCENTRATIONMEASURE", D},
    {"IFCISOTHERMALMOISTURECAPACITYMEASURE", D},
    {"IFCJUNCTIONBOXTYPEENUM", S},
    {"IFCKERBTYPEENUM", S},
    {"IFCKINEMATICVISCOSITYMEASURE", D},
    {"IFCLABEL", S},
    {"IFCLABORRESOURCETYPEENUM", S},
    {"IFCLAMPTYPEENUM", S},
    {"IFCLANGUAGEID", S},
    {"IFCLAYERSETDIRECTIONENUM", S},
    {"IFCLENGTHMEASURE", D},
    {"IFCLIGHTDISTRIBUTIONCURVEENUM", S},
    {"IFCLIGHTEMISSIONSOURCEENUM", S},
    {"IFCLIGHTFIXTURETYPEENUM", S},
    {"IFCLINEARFORCEMEASURE", D},
    {"IFCLINEARMOMENTMEASURE", D},
    {"IFCLINEARSTIFFNESSMEASURE", D},
    {"IFCLINEARVELOCITYMEASURE", D},
    {"IFCLIQUIDTERMINALTYPEENUM", S},
    {"IFCLOADGROUPTYPEENUM", S},
    {"IFCLOGICAL", S},
    {"IFCLOGICALOPERATORENUM", S},
    {"IFCLUMINOUSFLUXMEASURE", D},
    {"IFCLUMINOUSINTENSITYDISTRIBUTIONMEASURE", D},
    {"IFCLUMINOUSINTENSITYMEASURE", D},
    {"IFCMAGNETICFLUXDENSITYMEASURE", D},
    {"IFCMAGNETICFLUXMEASURE", D},
    {"IFCMARINEFACILITYTYPEENUM", S},
    {"IFCMARINEPARTTYPEENUM", S},
    {"IFCMASSDENSITYMEASURE", D},
    {"IFCMASSFLOWRATEMEASURE", D},
    {"IFCMASSMEASURE", D},
    {"IFCMASSPERLENGTHMEASURE", D},
    {"IFCMECHANICALFASTENERTYPEENUM", S},
    {"IFCMEDICALDEVICETYPEENUM", S},
    {"IFCMEMBERTYPEENUM", S},
    {"IFCMINUTEINHOUR", I},
    {"IFCMOBILETELECOMMUNICATIONSAPPLIANCETYPEENUM", S},
    {"IFCMODULUSOFELASTICITYMEASURE", D},
    {"IFCMODULUSOFLINEARSUBGRADEREACTIONMEASURE", D},
    {"IFCMODULUSOFROTATIONALSUBGRADEREACTIONMEASURE", D},
    {"IFCMODULUSOFSUBGRADEREACTIONMEASURE", D},
    {"IFCMOISTUREDIFFUSIVITYMEASURE", D},
    {"IFCMOLECULARWEIGHTMEASURE", D},
    {"IFCMOMENTOFINERTIAMEASURE", D},
    {"IFCMONETARYMEASURE", D},
    {"IFCMONTHINYEARNUMBER", I},
    {"IFCMOORINGDEVICETYPEENUM", S},
    {"IFCMOTORCONNECTIONTYPEENUM", S},
    {"IFCNAVIGATIONELEMENTTYPEENUM", S},
    {"IFCNONNEGATIVELENGTHMEASURE", D},
    {"IFCNORMALISEDRATIOMEASURE", D},
    {"IFCNULLSTYLE", S},
    {"IFCNULLSTYLEENUM", S},
    {"IFCNUMERICMEASURE", D},
    {"IFCOBJECTIVEENUM", S},
    {"IFCOBJECTTYPEENUM", S},
    {"IFCOCCUPANTTYPEENUM", S},
    {"IFCOPENINGELEMENTTYPEENUM", S},
    {"IFCOUTLETTYPEENUM", S},
    {"IFCPARAMETERVALUE", D},
    {"IFCPAVEMENTTYPEENUM", S},
    {"IFCPERFORMANCEHISTORYTYPEENUM", S},
    {"IFCPERMEABLECOVERINGOPERATIONENUM", S},
    {"IFCPERMITTYPEENUM", S},
    {"IFCPHMEASURE", D},
    {"IFCPHYSICALORVIRTUALENUM", S},
    {"IFCPILECONSTRUCTIONENUM", S},
    {"IFCPILETYPEENUM", S},
    {"IFCPIPEFITTINGTYPEENUM", S},
    {"IFCPIPESEGMENTTYPEENUM", S},
    {"IFCPLANARFORCEMEASURE", D},
    {"IFCPLANEANGLEMEASURE", D},
    {"IFCPLATETYPEENUM", S},
    {"IFCPOSITIVEINTEGER", I},
    {"IFCPOSITIVELENGTHMEASURE", D},
    {"IFCPOSITIVEPLANEANGLEMEASURE", D},
    {"IFCPOSITIVERATIOMEASURE", D},
    {"IFCPOWERMEASURE", D},
    {"IFCPRESENTABLETEXT", S},
    {"IFCPRESSUREMEASURE", D},
    {"IFCPROCEDURETYPEENUM", S},
    {"IFCPROFILETYPEENUM", S},
    {"IFCPROJECTEDORTRUELENGTHENUM", S},
    {"IFCPROJECTIONELEMENTTYPEENUM", S},
    {"IFCPROJECTORDERRECORDTYPEENUM", S},
    {"IFCPROJECTORDERTYPEENUM", S},
    {"IFCPROPERTYSETTEMPLATETYPEENUM", S},
    {"IFCPROPERTYSOURCEENUM", S},
    {"IFCPROTECTIVEDEVICETRIPPINGUNITTYPEENUM", S},
    {"IFCPROTECTIVEDEVICETYPEENUM", S},
    {"IFCPUMPTYPEENUM", S},
    {"IFCRADIOACTIVITYMEASURE", D},
    {"IFCRAILINGTYPEENUM", S},
    {"IFCRAILTYPEENUM", S},
    {"IFCRAILWAYPARTTYPEENUM", S},
    {"IFCRAILWAYTYPEENUM", S},
    {"IFCRAMPFLIGHTTYPEENUM", S},
    {"IFCRAMPTYPEENUM", S},
    {"IFCRATIOMEASURE", D},
    {"IFCREAL", D},
    {"IFCRECURRENCETYPEENUM", S},
    {"IFCREFERENTTYPEENUM", S},
    {"IFCREFLECTANCEMETHODENUM", S},
    {"IFCREINFORCEDSOILTYPEENUM", S},
    {"IFCREINFORCINGBARROLEENUM", S},
    {"IFCREINFORCINGBARSURFACEENUM", S},
    {"IFCREINFORCINGBARTYPEENUM", S},
    {"IFCREINFORCINGMESHTYPEENUM", S},
    {"IFCRESOURCECONSUMPTIONENUM", S},
    {"IFCRIBPLATEDIRECTIONENUM", S},
    {"IFCROADPARTTYPEENUM", S},
    {"IFCROADTYPEENUM", S},
    {"IFCROLEENUM", S},
    {"IFCROOFTYPEENUM", S},
    {"IFCROTATIONALFREQUENCYMEASURE", D},
    {"IFCROTATIONALMASSMEASURE", D},
    {"IFCROTATIONALSTIFFNESSMEASURE", D},
    {"IFCSANITARYTERMINALTYPEENUM", S},
    {"IFCSECONDINMINUTE", D},
    {"IFCSECTIONALAREAINTEGRALMEASURE", D},
    {"IFCSECTIONMODULUSMEASURE", D},
    {"IFCSECTIONTYPEENUM", S},
    {"IFCSENSORTYPEENUM", S},
    {"IFCSEQUENCEENUM", S},
    {"IFCSERVICELIFEFACTORTYPEENUM", S},
    {"IFCSERVICELIFETYPEENUM", S},
    {"IFCSHADINGDEVICETYPEENUM", S},
    {"IFCSHEARMODULUSMEASURE", D},
    {"IFCSIGNALTYPEENUM", S},
    {"IFCSIGNTYPEENUM", S},
    {"IFCSIMPLEPROPERTYTEMPLATETYPEENUM", S},
    {"IFCSLABTYPEENUM", S},
    {"IFCSOLARDEVICETYPEENUM", S},
    {"IFCSOLIDANGLEMEASURE", D},
    {"IFCSOUNDPOWERLEVELMEASURE", D},
    {"IFCSOUNDPOWERMEASURE", D},
    {"IFCSOUNDPRESSURELEVELMEASURE", D},
    {"IFCSOUNDPRESSUREMEASURE", D},
    {"IFCSOUNDSCALEENUM", S},
    {"IFCSPACEHEATERTYPEENUM", S},
    {"IFCSPACETYPEENUM", S},
    {"IFCSPATIALZONETYPEENUM", S},
    {"IFCSPECIFICHEATCAPACITYMEASURE", D},
    {"IFCSPECULAREXPONENT", D},
    {"IFCSPECULARROUGHNESS", D},
    {"IFCSTACKTERMINALTYPEENUM", S},
    {"IFCSTAIRFLIGHTTYPEENUM", S},
    {"IFCSTAIRTYPEENUM", S},
    {"IFCSTATEENUM", S},
    {"IFCSTRIPPEDOPTIONAL", B},
    {"IFCSTRUCTURALCURVEACTIVITYTYPEENUM", S},
    {"IFCSTRUCTURALCURVEMEMBERTYPEENUM", S},
    {"IFCSTRUCTURALCURVETYPEENUM", S},
    {"IFCSTRUCTURALSURFACEACTIVITYTYPEENUM", S},
    {"IFCSTRUCTURALSURFACEMEMBERTYPEENUM", S},
    {"IFCSTRUCTURALSURFACETYPEENUM", S},
    {"IFCSUBCONTRACTRESOURCETYPEENUM", S},
    {"IFCSURFACEFEATURETYPEENUM", S},
    {"IFCSURFACETEXTUREENUM", S},
    {"IFCSWITCHINGDEVICETYPEENUM", S},
    {"IFCSYSTEMFURNITUREELEMENTTYPEENUM", S},
    {"IFCTANKTYPEENUM", S},
    {"IFCTASKDURATIONENUM", S},
    {"IFCTASKTYPEENUM", S},
    {"IFCTEMPERATUREGRADIENTMEASURE", D},
    {"IFCTEMPERATURERATEOFCHANGEMEASURE", D},
    {"IFCTENDONANCHORTYPEENUM", S},
    {"IFCTENDONCONDUITTYPEENUM", S},
    {"IFCTENDONTYPEENUM", S},
    {"IFCTEXT", S},
    {"IFCTEXTALIGNMENT", S},
    {"IFCTEXTDECORATION", S},
    {"IFCTEXTFONTNAME", S},
    {"IFCTEXTTRANSFORMATION", S},
    {"IFCTHERMALADMITTANCEMEASURE", D},
    {"IFCTHERMALCONDUCTIVITYMEASURE", D},
    {"IFCTHERMALEXPANSIONCOEFFICIENTMEASURE", D},
    {"IFCTHERMALLOADSOURCEENUM", S},
    {"IFCTHERMALLOADTYPEENUM", S},
    {"IFCTHERMALRESISTANCEMEASURE", D},
    {"IFCTHERMALTRANSMITTANCEMEASURE", D},
    {"IFCTHERMODYNAMICTEMPERATUREMEASURE", D},
    {"IFCTIME", T},
    {"IFCTIMEMEASURE", D},
    {"IFCTIMESERIESDATATYPEENUM", S},
    {"IFCTIMESERIESSCHEDULETYPEENUM", S},
    {"IFCTIMESTAMP", I},
    {"IFCTORQUEMEASURE", D},
    {"IFCTRACKELEMENTTYPEENUM", S},
    {"IFCTRANSFORMERTYPEENUM", S},
    {"IFCTRANSPORTELEMENTTYPEENUM", S},
    {"IFCTUBEBUNDLETYPEENUM", S},
    {"IFCUNITARYCONTROLELEMENTTYPEENUM", S},
    {"IFCUNITARYEQUIPMENTTYPEENUM", S},
    {"IFCUNITENUM", S},
    {"IFCURIREFERENCE", S},
    {"IFCVALVETYPEENUM", S},
    {"IFCVAPORPERMEABILITYMEASURE", D},
    {"IFCVEHICLETYPEENUM", S},
    {"IFCVIBRATIONDAMPERTYPEENUM", S},
    {"IFCVIBRATIONISOLATORTYPEENUM", S},
    {"IFCVIRTUALELEMENTTYPEENUM", S},
    {"IFCVOIDINGFEATURETYPEENUM", S},
    {"IFCVOLUMEMEASURE", D},
    {"IFCVOLUMETRICFLOWRATEMEASURE", D},
    {"IFCWALLTYPEENUM", S},
    {"IFCWARPINGCONSTANTMEASURE", D},
    {"IFCWARPINGMOMENTMEASURE", D},
    {"IFCWASTETERMINALTYPEENUM", S},
    {"IFCWELLKNOWNTEXTLITERAL", S},
    {"IFCWINDOWPANELOPERATIONENUM", S},
    {"IFCWINDOWPANELPOSITIONENUM", S},
    {"IFCWINDOWSTYLECONSTRUCTIONENUM", S},
    {"IFCWINDOWSTYLEOPERATIONENUM", S},
    {"IFCWINDOWTYPEENUM", S},
    {"IFCWINDOWTYPEPARTITIONINGENUM", S},
    {"IFCWORKCALENDARTYPEENUM", S},
    {"IFCWORKCONTROLTYPEENUM", S},
    {"IFCWORKPLANTYPEENUM", S},
    {"IFCWORKSCHEDULETYPEENUM", S},
    {"IFCYEARNUMBER", I},
};

size_t ids_datatype_count(void)
{
    return sizeof(datatypes) / sizeof(datatypes[0]);
}

static int compare_row(const void *key, const void *row)
{
    return strcmp((const char *)key, ((const datatype_row *)row)->name);
}

const char *ids_datatype_base(const char *data_type)
{
    if (data_type == NULL)
        return NULL;
    const datatype_row *row = bsearch(data_type, datatypes, ids_datatype_count(),
                                      sizeof(datatypes[0]), compare_row);
    return row != NULL ? base_names[row->base] : NULL;
}

/* ---- lexical forms ---- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Consumes exactly n digits. */
static bool digits_n(const char **p, int n)
{
    for (int i = 0; i < n; i++)
        if (!is_digit((*p)[i]))
            return false;
    *p += n;
    return true;
}

/* Consumes one or more digits. */
static bool digits_1(const char **p)
{
    if (!is_digit(**p))
        return false;
    while (is_digit(**p))
        (*p)++;
    return true;
}

/* (Z|[+-]\d{2}:\d{2})? then the end. */
static bool zone_then_end(const char *p)
{
    if (*p == 'Z')
        return p[1] == '\0';
    if (*p == '+' || *p == '-') {
        p++;
        return digits_n(&p, 2) && *p++ == ':' && digits_n(&p, 2) && *p == '\0';
    }
    return *p == '\0';
}

static bool date_part(const char **p)
{
    return digits_n(p, 4) && *(*p)++ == '-' && digits_n(p, 2) && *(*p)++ == '-' &&
           digits_n(p, 2);
}

/* \d{2}:\d{2}:\d{2}(\.\d+)? */
static bool time_part(const char **p)
{
    if (!(digits_n(p, 2) && *(*p)++ == ':' && digits_n(p, 2) && *(*p)++ == ':' &&
          digits_n(p, 2)))
        return false;
    if (**p == '.') {
        (*p)++;
        return digits_1(p);
    }
    return true;
}

static bool lex_boolean(const char *v)
{
    return strcmp(v, "true") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
           strcmp(v, "1") == 0;
}

static bool lex_integer(const char *v)
{
    if (*v == '+' || *v == '-')
        v++;
    return digits_1(&v) && *v == '\0';
}

/* [-+]?[0-9]*\.?[0-9]*([eE][-+]?[0-9]+)?|NaN|\+INF|-INF, as the document
 * writes it: it also accepts "" and ".", which the audit tool accepts too. */
static bool lex_double(const char *v)
{
    if (strcmp(v, "NaN") == 0 || strcmp(v, "+INF") == 0 || strcmp(v, "-INF") == 0)
        return true;
    if (*v == '+' || *v == '-')
        v++;
    while (is_digit(*v))
        v++;
    if (*v == '.')
        v++;
    while (is_digit(*v))
        v++;
    if (*v == 'e' || *v == 'E') {
        v++;
        if (*v == '+' || *v == '-')
            v++;
        if (!digits_1(&v))
            return false;
    }
    return *v == '\0';
}

/* xs:decimal: no exponent, no special values. */
static bool lex_decimal(const char *v)
{
    if (*v == '+' || *v == '-')
        v++;
    bool any = false;
    while (is_digit(*v)) {
        v++;
        any = true;
    }
    if (*v == '.') {
        v++;
        while (is_digit(*v)) {
            v++;
            any = true;
        }
    }
    return any && *v == '\0';
}

static bool lex_date(const char *v)
{
    return date_part(&v) && zone_then_end(v);
}

static bool lex_date_time(const char *v)
{
    return date_part(&v) && *v++ == 'T' && time_part(&v) && zone_then_end(v);
}

static bool lex_time(const char *v)
{
    return time_part(&v) && zone_then_end(v);
}

/* [-+]?P(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)? */
static bool lex_duration(const char *v)
{
    if (*v == '+' || *v == '-')
        v++;
    if (*v++ != 'P')
        return false;
    static const char date_units[] = "YMD";
    static const char time_units[] = "HMS";
    size_t next = 0;
    while (is_digit(*v)) {
        const char *start = v;
        digits_1(&v);
        const char *unit = strchr(date_units + next, *v);
        if (*v == '\0' || unit == NULL) {
            v = start;
            break;
        }
        next = (size_t)(unit - date_units) + 1;
        v++;
    }
    if (*v == 'T') {
        v++;
        next = 0;
        while (is_digit(*v)) {
            digits_1(&v);
            const char *unit = *v != '\0' ? strchr(time_units + next, *v) : NULL;
            if (unit == NULL)
                return false;
            next = (size_t)(unit - time_units) + 1;
            v++;
        }
    }
    return *v == '\0';
}

bool ids_lexical_valid(const char *base, const char *value)
{
    if (base == NULL || value == NULL)
        return true;
    if (strcmp(base, "xs:boolean") == 0)
        return lex_boolean(value);
    if (strcmp(base, "xs:integer") == 0)
        return lex_integer(value);
    if (strcmp(base, "xs:double") == 0 || strcmp(base, "xs:float") == 0)
        return lex_double(value);
    if (strcmp(base, "xs:decimal") == 0)
        return lex_decimal(value);
    if (strcmp(base, "xs:date") == 0)
        return lex_date(value);
    if (strcmp(base, "xs:dateTime") == 0)
        return lex_date_time(value);
    if (strcmp(base, "xs:time") == 0)
        return lex_time(value);
    if (strcmp(base, "xs:duration") == 0)
        return lex_duration(value);
    return true;
}

/* IFC class names are upper-case letters and digits (IFCWALL,
 * IFCBSPLINECURVEWITHKNOTS, IFCCARTESIANPOINTLIST2D), and IDS compares them
 * case-sensitively: "IfcWall" can never match. This part of rule E1 needs
 * no IFC schema data; whether the class exists does. */
bool ids_ifc_class_name_form(const char *name)
{
    if (name == NULL || name[0] < 'A' || name[0] > 'Z')
        return false;
    for (const char *p = name; *p != '\0'; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            return false;
    return true;
}
