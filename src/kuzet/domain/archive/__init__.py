"""The video archive: segments, retention, legal holds, uploads, evidence bundles."""
