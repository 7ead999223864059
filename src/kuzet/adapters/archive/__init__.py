"""The video archive on a local or NAS folder: segment files, clips, evidence bundles, signing keys."""
