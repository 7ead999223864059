"""NanoDet's decoding on a stand-in model whose six outputs (in scrambled order) are constructed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from pydantic import ValidationError

from kuzet.vision.detectors.base import DetectorError
from kuzet.vision.detectors.nanodet import NanoDet, NanoDetConfig, fitted_size

GRIDS = {8: 52, 16: 26, 32: 13}
BINS = 11


@dataclass
class FakeNanoDet:
    """Outputs: scores and box logits per stride, one anchor lit at stride 16, cell (x 10, y 5)."""

    path: Path = Path("fake/nanodet.onnx")
    input_shape: tuple[int | None, ...] = (None, 3, 416, 416)
    metadata: dict[str, str] = field(default_factory=dict)
    order: tuple[tuple[int, str], ...] = (
        (16, "boxes"),
        (8, "scores"),
        (32, "boxes"),
        (16, "scores"),
        (8, "boxes"),
        (32, "scores"),
    )
    inputs: list[NDArray[np.float32]] = field(default_factory=list)

    @property
    def output_shapes(self) -> tuple[tuple[int | None, ...], ...]:
        if self.input_shape[2] is None:  # a model converted for any input size
            return tuple((None, None, 80 if kind == "scores" else 4 * BINS) for _, kind in self.order)
        return tuple((None, GRIDS[s] ** 2, 80 if kind == "scores" else 4 * BINS) for s, kind in self.order)

    def run(self, batch: NDArray[np.float32]) -> list[NDArray[np.float32]]:
        self.inputs.append(batch)
        height, width = batch.shape[2:] if self.input_shape[2] is None else (416, 416)
        outputs = []
        for stride, kind in self.order:
            count = (height // stride) * (width // stride)
            if kind == "scores":
                scores = np.zeros((len(batch), count, 80), np.float32)
                if stride == 16:
                    scores[:, 5 * (width // 16) + 10, 0] = 0.9  # a person
                outputs.append(scores)
            else:
                logits = np.full((len(batch), count, 4, BINS), -50.0, np.float32)
                logits[:, :, np.arange(4), [2, 3, 4, 1]] = 50.0  # 2, 3, 4 and 1 strides
                outputs.append(logits.reshape(len(batch), count, 4 * BINS))
        return outputs


def test_outputs_are_paired_by_shape_and_decoded() -> None:
    model = FakeNanoDet()
    detector = NanoDet(model, NanoDetConfig())
    found = detector.detect(np.zeros((416, 416, 3), np.uint8))
    # Centre ((10 + 0.5) × 16, (5 + 0.5) × 16) = (168, 88); sides 32, 48, 64, 16 px.
    np.testing.assert_allclose(found.xyxy, [[136, 40, 232, 104]])
    np.testing.assert_array_equal(found.class_id, [0])
    np.testing.assert_allclose(found.confidence, [0.9])


def test_input_is_bgr_mean_std_with_black_bars() -> None:
    model = FakeNanoDet()
    frame = np.zeros((208, 416, 3), np.uint8)
    frame[...] = (103, 116, 124)  # about NanoDet's mean in BGR order
    NanoDet(model, NanoDetConfig()).detect(frame)
    pixels = model.inputs[0]
    assert pixels.shape == (1, 3, 416, 416)
    np.testing.assert_allclose(
        pixels[0, :, 208, 0], [-0.53 / 57.375, -0.28 / 57.12, 0.325 / 58.395], rtol=1e-4
    )
    np.testing.assert_allclose(
        pixels[0, :, 0, 0], [-103.53 / 57.375, -116.28 / 57.12, -123.675 / 58.395], rtol=1e-6
    )


def test_without_mosaic_regions_are_one_batch_and_boxes_come_back_to_each_region() -> None:
    model = FakeNanoDet()
    found = NanoDet(model, NanoDetConfig(mosaic=False)).detect(
        np.zeros((416, 1248, 3), np.uint8), [[0, 0, 416, 416], [832, 0, 1248, 416]]
    )
    assert [len(batch) for batch in model.inputs] == [2]
    np.testing.assert_allclose(
        found.xyxy[np.argsort(found.xyxy[:, 0])], [[136, 40, 232, 104], [968, 40, 1064, 104]]
    )


def test_regions_share_one_input_and_boxes_come_back_through_their_tile() -> None:
    model = FakeNanoDet()  # finds (136, 40, 232, 104) in the network input, centre (184, 72)
    found = NanoDet(model, NanoDetConfig()).detect(
        np.zeros((416, 1248, 3), np.uint8), [[300, 50, 500, 170], [900, 200, 1100, 320]]
    )
    assert [batch.shape for batch in model.inputs] == [(1, 3, 416, 416)]
    # Tiles at 1:1: the first region at (0, 0)-(200, 120), the second at (208, 0)-(408, 120). The box
    # is centred in the first, moves by its offset (300, 50) and is clipped to the region's right edge.
    np.testing.assert_allclose(found.xyxy, [[436, 90, 500, 154]])


def test_a_box_centred_between_tiles_is_dropped() -> None:
    model = FakeNanoDet()
    found = NanoDet(model, NanoDetConfig()).detect(
        np.zeros((416, 1248, 3), np.uint8), [[0, 0, 80, 80], [600, 0, 680, 80]]
    )
    assert len(model.inputs) == 1
    assert len(found) == 0  # tiles end at x = 80 and 168; the centre x = 184 lies on the fill


@pytest.mark.parametrize(
    ("regions", "kept"),
    [
        ([[0, 0, 416, 200], [0, 210, 416, 416]], 1),  # the centre (184, 72) is in the first region
        ([[0, 100, 416, 300], [0, 310, 416, 416]], 0),
    ],
)
def test_regions_that_pack_no_better_than_the_frame_search_the_whole_frame(
    regions: list[list[int]], kept: int
) -> None:
    model = FakeNanoDet()
    found = NanoDet(model, NanoDetConfig()).detect(np.zeros((416, 416, 3), np.uint8), regions)
    assert len(model.inputs) == 1
    assert len(found) == kept


def test_unpaired_outputs_are_refused() -> None:
    model = FakeNanoDet(
        order=((16, "boxes"), (8, "scores"), (32, "boxes"), (16, "scores"), (8, "boxes"), (8, "scores"))
    )
    with pytest.raises(DetectorError, match="outputs with 169 anchors do not pair up"):
        NanoDet(model, NanoDetConfig())


DYNAMIC = (None, 3, None, None)


@pytest.mark.parametrize(
    ("frame", "size"),
    [
        ((720, 1280), (416, 256)),
        ((360, 640), (416, 256)),
        ((480, 640), (416, 320)),
        ((1280, 720), (256, 416)),
    ],
)
def test_the_input_fits_the_frame_with_bars_under_32_pixels(
    frame: tuple[int, int], size: tuple[int, int]
) -> None:
    assert fitted_size(*frame) == size


def test_a_model_for_any_size_gets_the_frame_shaped_input_and_grids_follow_it() -> None:
    model = FakeNanoDet(input_shape=DYNAMIC)
    found = NanoDet(model, NanoDetConfig()).detect(np.zeros((360, 640, 3), np.uint8))
    assert [batch.shape for batch in model.inputs] == [(1, 3, 256, 416)]
    # Cell (10, 5) of the 26-wide stride-16 grid, as at 416×416; 640 / 416 frame pixels per input pixel,
    # the frame centred vertically (bars of 11 px: 360 × 416 / 640 = 234 of 256).
    scale, top = 416 / 640, 11
    np.testing.assert_allclose(
        found.xyxy, [[136 / scale, (40 - top) / scale, 232 / scale, (104 - top) / scale]], rtol=1e-5
    )


def test_a_configured_input_size_is_used_for_every_frame() -> None:
    model = FakeNanoDet(input_shape=DYNAMIC)
    NanoDet(model, NanoDetConfig(input_size=(320, 192))).detect(np.zeros((480, 640, 3), np.uint8))
    assert [batch.shape for batch in model.inputs] == [(1, 3, 192, 320)]


def test_regions_are_packed_into_the_frame_shaped_input() -> None:
    model = FakeNanoDet(input_shape=DYNAMIC)
    NanoDet(model, NanoDetConfig()).detect(
        np.zeros((720, 1280, 3), np.uint8), [[300, 50, 500, 170], [900, 200, 1100, 320]]
    )
    assert [batch.shape for batch in model.inputs] == [(1, 3, 256, 416)]


def test_input_sizes_are_multiples_of_32_and_a_fixed_model_keeps_its_own() -> None:
    with pytest.raises(ValidationError, match="multiples of 32"):
        NanoDetConfig(input_size=(416, 234))
    with pytest.raises(DetectorError, match="takes 416x416 only"):
        NanoDet(FakeNanoDet(), NanoDetConfig(input_size=(416, 256)))
