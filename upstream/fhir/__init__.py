"""One stored record as a FHIR R4 collection Bundle (fhir.resources' R4B models).

fhir.resources 8 ships R5 (its default), R4B and STU3, but no plain R4.
R4B (4.3) is R4 plus a handful of new resources; the ones used here
(Bundle, QuestionnaireResponse, Observation, Device) are unchanged on the
wire, so every resource is built and validated with ``fhir.resources.R4B``.
"""
