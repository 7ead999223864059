"""Detector configs (a discriminated union, strict keys), the registry, and the HOG fallback on a photo."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from kuzet.adapters.models.loader import ModelFileError, load_onnx
from kuzet.vision.detectors.nanodet import NanoDetConfig
from kuzet.vision.detectors.opencv_hog import OpenCvHog, OpenCvHogConfig
from kuzet.vision.detectors.registry import DetectorConfig, build_detector


class Camera(BaseModel):
    """How a site file holds a detector config: a field typed with the union."""

    model_config = ConfigDict(extra="forbid")

    detector: DetectorConfig


PERSON = Path("/usr/share/darknet/data/person.jpg")  # Debian's darknet package


def test_configs_are_chosen_by_type_and_reject_unknown_keys() -> None:
    nanodet = Camera.model_validate(
        {"detector": {"type": "nanodet", "threads": 2, "classes": ["person"]}}
    ).detector
    assert isinstance(nanodet, NanoDetConfig)
    assert nanodet.threads == 2
    assert nanodet.model == Path("var/models/nanodet.onnx")
    with pytest.raises(ValidationError, match=r"detector\.nanodet\.treads"):
        Camera.model_validate({"detector": {"type": "nanodet", "treads": 2}})
    with pytest.raises(ValidationError, match="does not match any of the expected tags"):
        Camera.model_validate({"detector": {"type": "darknet"}})
    with pytest.raises(ValidationError, match=r"detector\.onnx_yolo\.model"):
        Camera.model_validate({"detector": {"type": "onnx_yolo"}})
    with pytest.raises(ValidationError, match=r"detector\.opencv_hog\.scale"):
        Camera.model_validate({"detector": {"type": "opencv_hog", "scale": 1.0}})


def test_every_field_is_described() -> None:
    schema = Camera.model_json_schema()
    for definition in schema["$defs"].values():
        for name, field in definition["properties"].items():
            assert field.get("description"), f"{definition['title']}.{name} has no description"


def test_build_nanodet_without_the_model_says_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="run `kuzet models install`"):
        build_detector(NanoDetConfig(model=tmp_path / "nanodet.onnx"), load_onnx)


def photo() -> np.ndarray:
    if PERSON.is_file():
        image = cv2.imread(str(PERSON))
        assert image is not None
        return image
    if os.environ.get("CI") == "true":
        pytest.fail(f"{PERSON} missing: install Debian's darknet package")
    pytest.skip(f"{PERSON} missing (apt-get install darknet)")


def test_hog_finds_the_person_and_respects_regions() -> None:
    image = photo()
    hog = build_detector(OpenCvHogConfig(), load_onnx)
    assert isinstance(hog, OpenCvHog)
    found = hog.detect(image)
    assert found.class_id.tolist() == [0] * len(found)
    # The man in person.jpg stands at about x 190..275, y 100..380.
    centres = (found.xyxy[:, :2] + found.xyxy[:, 2:]) / 2
    assert ((abs(centres[:, 0] - 232) < 60) & (abs(centres[:, 1] - 240) < 80)).any()
    inside = hog.detect(image, regions=[[100, 40, 360, 424]])
    assert len(inside)
    assert (inside.xyxy[:, 0] >= 100).all()
    assert (inside.xyxy[:, 2] <= 360).all()
    assert len(hog.detect(image, regions=np.empty((0, 4)))) == 0
