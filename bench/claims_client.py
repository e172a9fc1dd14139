"""Client side of bench/claims.py: multipart claims built ahead, sent by processes with keep-alive.

Every claim is a different owner: its own serial number, e-mail, phone and address, and with
files its own two photos (about 200 KB each, 1024 x 768, unlike each other in content and in
perceptual hash), so the fraud checks see what they would see in a real program.
"""

import http.client
import io
import multiprocessing
import random
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from statistics import quantiles

PHOTO_SIZE = (1024, 768)
PHOTO_BOUNDARY = "recalldesk-bench-boundary-7f1d2c9e"


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    program: str
    photos: int
    requests: int


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]]) -> bytes:
    """A multipart/form-data body of text fields and (field, file name, JPEG bytes) files."""
    parts = []
    for name, value in fields:
        parts.append(
            f'--{PHOTO_BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, filename, content in files:
        head = (
            f'--{PHOTO_BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{PHOTO_BOUNDARY}--\r\n".encode())
    return b"".join(parts)


def claim_fields(scenario: Scenario, number: int) -> list[tuple[str, str]]:
    """The form fields of claim `number`: MMA008 with serial 57X + 11 digits, store credit."""
    return [
        ("program", scenario.program),
        ("model_number", "MMA008"),
        ("serial_number", f"57X{number:011d}"),
        ("country", "US"),
        ("remedy", "store_credit"),
        ("owner_name", f"Owner {number}"),
        ("email", f"owner{number}@example.org"),
        ("phone", f"310-{number // 10_000 % 1000:03d}-{number % 10_000:04d}"),
        ("address_line1", f"{number} Main Street"),
        ("city", "El Segundo"),
        ("region", "CA"),
        ("postal_code", "90245"),
    ]


def photo_pool(directory: Path, count: int) -> list[Path]:
    """`count` distinct photos of about 200 KB, made once and kept for later runs."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"photo-{n:05d}.jpg" for n in range(count)]
    missing = [path for path in paths if not path.exists()]
    if missing:
        with multiprocessing.get_context("fork").Pool() as pool:
            pool.map(_photo_write, missing, chunksize=32)
    return paths


_NOISE = None


def _photo_write(path: Path) -> None:
    from PIL import Image, ImageChops, ImageDraw

    global _NOISE
    if _NOISE is None:
        _NOISE = Image.merge("RGB", [Image.effect_noise(PHOTO_SIZE, 60) for _ in range(3)])
    seed = int(path.stem.rsplit("-", 1)[1])
    generator = random.Random(seed)
    width, height = PHOTO_SIZE
    image = Image.new("RGB", PHOTO_SIZE, tuple(generator.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(10):
        x, y = generator.randrange(width), generator.randrange(height)
        box = (x, y, x + generator.randrange(80, 500), y + generator.randrange(60, 400))
        color = tuple(generator.randrange(256) for _ in range(3))
        (draw.ellipse if generator.random() < 0.5 else draw.rectangle)(box, fill=color)
    noise = ImageChops.offset(_NOISE, generator.randrange(width), generator.randrange(height))
    output = io.BytesIO()
    Image.blend(image, noise, 0.2).save(output, format="JPEG", quality=85)
    path.write_bytes(output.getvalue())


def _bodies(
    scenario: Scenario, numbers: list[int], photos: list[Path]
) -> list[tuple[bytes, dict[str, str]]]:
    requests = []
    for index, number in enumerate(numbers):
        files = [
            (
                f"photo_{n + 1}",
                f"photo{n + 1}.jpg",
                photos[index * scenario.photos + n].read_bytes(),
            )
            for n in range(scenario.photos)
        ]
        body = multipart(claim_fields(scenario, number), files)
        headers = {
            "Content-Type": f"multipart/form-data; boundary={PHOTO_BOUNDARY}",
            "Idempotency-Key": str(uuid.uuid4()),
        }
        requests.append((body, headers))
    return requests


def _client(port, scenario, numbers, photos, start, results) -> None:
    requests = _bodies(scenario, numbers, photos)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    latencies, statuses = [], {}
    start.wait()
    for body, headers in requests:
        began = time.perf_counter()
        try:
            connection.request("POST", scenario.path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            connection.close()
            status = 0
        latencies.append(time.perf_counter() - began)
        statuses[status] = statuses.get(status, 0) + 1
    results.put((latencies, statuses, time.perf_counter()))


def run_load(
    *, port: int, scenario: Scenario, first_number: int, clients: int, photos: list[Path]
) -> dict:
    """Send scenario.requests claims from `clients` processes at once; rate and latencies."""
    context = multiprocessing.get_context("fork")
    start = context.Barrier(clients + 1)
    results = context.Queue()
    share = [
        list(range(first_number + c, first_number + scenario.requests, clients))
        for c in range(clients)
    ]
    per_client = scenario.photos * len(share[0])
    processes = [
        context.Process(
            target=_client,
            args=(
                port,
                scenario,
                numbers,
                photos[c * per_client : (c + 1) * per_client],
                start,
                results,
            ),
        )
        for c, numbers in enumerate(share)
    ]
    for process in processes:
        process.start()
    start.wait()
    began = time.perf_counter()
    outcomes = [results.get(timeout=900) for _ in processes]
    for process in processes:
        process.join()
    ended = max(finished for _, _, finished in outcomes)
    latencies = sorted(value for values, _, _ in outcomes for value in values)
    statuses: dict[int, int] = {}
    for _, counts, _ in outcomes:
        for status, count in counts.items():
            statuses[status] = statuses.get(status, 0) + count
    good = statuses.get(201, 0)
    cuts = quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "created": good,
        "statuses": statuses,
        "seconds": ended - began,
        "rate": good / (ended - began),
        "p50_ms": cuts[49] * 1000,
        "p99_ms": cuts[98] * 1000,
    }
