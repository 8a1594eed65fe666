"""Signposting: from a scored check to the local services that can help.

Functional core and data (docs/signposting.md):

* ``signposting/services.yaml`` is the directory, checked at load
  (``load_directory``; coded problems in ``problems.py``);
* ``resolve_locality`` picks the borough (resident's postcode via an optional
  lookup table, else the site's);
* ``choose_signposts`` maps the result's clinical codes to services (rules.py),
  filtered by borough and by each service's eligibility data.

The web shell loads the files once, filters unverified entries unless the
site is a demo, and renders what ``choose_signposts`` returns.
"""

from kiosk_app.signposting.contact import Contact, tel_href
from kiosk_app.signposting.directory import (
    ALL,
    Directory,
    Kind,
    Need,
    Service,
    load_directory,
    load_postcode_lookup,
    parse_directory,
)
from kiosk_app.signposting.eligibility import Eligibility, Verdict, evaluate
from kiosk_app.signposting.locality import (
    Locality,
    PostcodeLookup,
    canonical_borough,
    parse_postcode_lookup,
    postcode_keys,
    resolve_locality,
)
from kiosk_app.signposting.problems import Code, DirectoryError, Problem
from kiosk_app.signposting.rules import (
    RULES,
    Reason,
    Rule,
    Signpost,
    choose_signposts,
    reasons_for,
)

__all__ = [
    "ALL",
    "RULES",
    "Code",
    "Contact",
    "Directory",
    "DirectoryError",
    "Eligibility",
    "Kind",
    "Locality",
    "Need",
    "PostcodeLookup",
    "Problem",
    "Reason",
    "Rule",
    "Service",
    "Signpost",
    "Verdict",
    "canonical_borough",
    "choose_signposts",
    "evaluate",
    "load_directory",
    "load_postcode_lookup",
    "parse_directory",
    "parse_postcode_lookup",
    "postcode_keys",
    "reasons_for",
    "resolve_locality",
    "tel_href",
]
