"""Static files for production: compressed, hashed names, and ES module imports rewritten to the hashed names
too, so that walk.js loads the geometry.js it was built with (and the offline cache holds the right one)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]  # WhiteNoise ships no types
    support_js_module_import_aggregation = True
