"""Object detectors: one backend per module, built from a pydantic config by ``registry.build_detector``.

- ``nanodet``: COCO-80 NanoDet, converted from TF.js at install time (``kuzet models install``);
- ``onnx_yolo``: a user's Ultralytics YOLOv8/11 ONNX export;
- ``opencv_hog``: OpenCV's HOG people detector, the fallback that needs no model file;
- ``classifier``: the ONNX image-classifier slot for crops.

Backends share ``base`` (the ``Detector`` interface and the ``ModelLoader`` port), ``preprocess``
(regions, letterboxing, batching) and ``postprocess`` (decoding, NMS). Nothing runs at import time.
"""
