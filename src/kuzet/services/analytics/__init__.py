"""Use cases of analytics hits: detections into alerts."""
