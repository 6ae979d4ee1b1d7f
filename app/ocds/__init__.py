"""OCDS 1.1 publication: releases per ocid built from the indexed events, compiled records merged
with ocdsmerge, packages and JSON Lines export. Schemas (data) vendored under schema/."""
