"""A fake OpenAI-compatible server on loopback: chat completions, files and batches, with real rate limits.

It speaks real HTTP (stdlib ``ThreadingHTTPServer``), so the code under test runs the real ``openai`` SDK end
to end. It writes plausible, diverse resumes sized to the word range the prompt asks for, enforces requests
and tokens per "minute" (a configurable window, so a minute can be two seconds in tests) with the real
``x-ratelimit-*`` headers and 429 replies, and injects faults on request: 5xx, hangs, malformed bodies,
truncated replies, refusals, placeholders, rate-limit 429s, ``insufficient_quota`` and 401.

Tokens are counted as ``ceil(characters / 4)``; a request is charged its prompt plus completion tokens when it
arrives (or, with ``charge="reserved"``, its prompt plus ``max_tokens``, as OpenAI counts), and every arrival
(accepted or not) is logged with its time, so tests can check that no window ever held more than the limits.
"""

from __future__ import annotations

import collections
import email.parser
import email.policy
import itertools
import json
import math
import random
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULTS = (
    "ok",
    "server_error",
    "bad_gateway",
    "hang",
    "malformed_body",
    "bad_json",
    "truncated",
    "refusal",
    "placeholder",
    "empty",
    "short",
    "rate_limit",
    "quota",
    "auth",
    "duplicate",
)

STOPWORDS = ("the", "and", "of", "to", "in", "a", "with", "for", "on", "as", "at", "by", "from", "our", "my")
_VOCAB_TEXT = (
    "built automated migrated designed operated reduced improved scaled led mentored delivered owned wrote "
    "introduced replaced monitored tuned documented launched negotiated planned audited trained reviewed "
    "coordinated managed analysed supported prepared maintained resolved drafted presented organised "
    "pipeline cluster service platform release budget team customers patients clients students vendors "
    "reports dashboards contracts schedules inventory campaigns accounts projects audits shipments systems "
    "databases networks kitchens classrooms wards stores sites branches offices products features incidents "
    "terraform kubernetes docker jenkins ansible prometheus grafana python java react excel salesforce sap "
    "autocad revit zendesk jira figma spark airflow kafka postgres oracle cisco linux windows azure aws gcp "
    "quarterly weekly regional national internal external critical large small new legacy shared secure "
    "faster cheaper reliable accurate compliant measurable successful complex daily annual remote onsite "
    "percent hours days months cost revenue latency uptime errors tickets orders complaints visits sales"
)
VOCAB = tuple(_VOCAB_TEXT.split())
FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chen",
    "Dara",
    "Eli",
    "Farah",
    "Goran",
    "Hana",
    "Ivan",
    "Jia",
    "Kemi",
    "Luca",
    "Maya",
    "Nils",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tariq",
    "Uma",
    "Vera",
    "Wei",
    "Yusuf",
)
LAST_NAMES = (
    "Okafor",
    "Silva",
    "Kowalski",
    "Nguyen",
    "Schmidt",
    "Rossi",
    "Patel",
    "Moreau",
    "Jansen",
    "Andersson",
    "Murphy",
    "Garcia",
    "Tanaka",
    "Popescu",
    "Costa",
    "Byrne",
    "Haddad",
    "Ibrahim",
)
WORD_RANGE = re.compile(r"between (\d+) and (\d+) words")
JOB_TITLE = re.compile(r"Job title: ([^\n]+)")


def count_tokens(text: str) -> int:
    """The fake's tokenizer: one token per four characters."""
    return max(1, math.ceil(len(text) / 4))


def format_duration(seconds: float) -> str:
    """Seconds as OpenAI writes them in reset headers: ``120ms``, ``1.5s``, ``6m0s``."""
    seconds = max(0.0, seconds)
    if seconds < 1:
        return f"{max(1, round(seconds * 1000))}ms"
    if seconds < 60:
        return f"{seconds:.3g}s"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}m{rest:.3g}s"


@dataclass
class FakeConfig:
    """How the fake behaves. Limits of ``None`` are not enforced (but still reported)."""

    api_key: str = "sk-test-fake-key-0123456789"
    rpm: int | None = None
    tpm: int | None = None
    window_s: float = 60.0
    latency_s: float = 0.0
    latency_jitter_s: float = 0.0
    report_limit_requests: int = 1_000_000
    report_limit_tokens: int = 100_000_000
    hang_s: float = 30.0
    # What a request is charged on arrival: "usage" (prompt + completion tokens it really used) or
    # "reserved" (prompt + max_tokens, never refunded: what OpenAI counts).
    charge: str = "usage"
    batch_delay_s: float = 0.2
    fault_rates: dict[str, float] = field(default_factory=dict)
    seed: int = 0


@dataclass(frozen=True)
class Arrival:
    """One chat request as the server saw it."""

    t: float
    status: int
    tokens: int
    fault: str | None


class _Window:
    """Sliding-window usage log of accepted requests."""

    def __init__(self) -> None:
        self.entries: collections.deque[tuple[float, int]] = collections.deque()
        self.tokens = 0

    def prune(self, now: float, window: float) -> None:
        while self.entries and self.entries[0][0] <= now - window:
            self.tokens -= self.entries.popleft()[1]


class FakeOpenAI:
    """The server. Use as a context manager, or call :meth:`start` and :meth:`stop`."""

    def __init__(self, config: FakeConfig | None = None) -> None:
        self.config = config or FakeConfig()
        self.arrivals: list[Arrival] = []
        self.texts: list[str] = []
        self.counts: collections.Counter[str] = collections.Counter()
        self._faults: collections.deque[str] = collections.deque()
        self._lock = threading.Lock()
        self._window = _Window()
        self._rng = random.Random(self.config.seed)
        self._ids = itertools.count(1)
        self._release = threading.Event()
        self._files: dict[str, bytes] = {}
        self._batches: dict[str, dict[str, Any]] = {}
        self._server: _QuietServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------------------------
    def start(self) -> str:
        """Serve on a free loopback port; returns the base URL (``http://127.0.0.1:PORT/v1``)."""
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Release hung requests and shut the server down."""
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeOpenAI:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "server not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    # --- control --------------------------------------------------------------------------------------------
    def inject(self, *faults: str) -> None:
        """Apply ``faults`` to the next chat requests (or batch lines), one each, in order."""
        unknown = set(faults) - set(FAULTS)
        assert not unknown, f"unknown faults {unknown}"
        with self._lock:
            self._faults.extend(faults)

    def set_latency(self, seconds: float) -> None:
        self.config.latency_s = seconds

    # --- inspection -----------------------------------------------------------------------------------------
    def accepted(self) -> list[Arrival]:
        with self._lock:
            return [a for a in self.arrivals if a.status != 429]

    def max_in_window(self) -> tuple[int, int]:
        """Most requests and most tokens any window of ``window_s`` held (accepted requests only)."""
        accepted = sorted(self.accepted(), key=lambda a: a.t)
        best_requests = best_tokens = tokens = 0
        start = 0
        for end, arrival in enumerate(accepted):
            tokens += arrival.tokens
            while accepted[start].t <= arrival.t - self.config.window_s:
                tokens -= accepted[start].tokens
                start += 1
            best_requests = max(best_requests, end - start + 1)
            best_tokens = max(best_tokens, tokens)
        return best_requests, best_tokens

    def tokens_between(self, start: float, end: float) -> int:
        """Tokens charged for requests accepted in ``[start, end)`` (``time.monotonic`` clock)."""
        return sum(a.tokens for a in self.accepted() if start <= a.t < end)

    # --- behaviour ------------------------------------------------------------------------------------------
    def _next_fault(self) -> str | None:
        with self._lock:
            if self._faults:
                return self._faults.popleft()
            for name, rate in self.config.fault_rates.items():
                if self._rng.random() < rate:
                    return name
            return None

    def _resume_text(self, prompt: str, rng: random.Random) -> str:
        match = WORD_RANGE.search(prompt)
        low, high = (int(match.group(1)), int(match.group(2))) if match else (150, 300)
        title_match = JOB_TITLE.search(prompt)
        title = title_match.group(1).strip() if title_match else "Specialist"
        target = rng.randint(low, max(low, (low + high) // 2))
        words = [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", "\n", title, "\n", "Experience", "\n"]
        count = 6
        while count < target:
            sentence = [
                rng.choice(VOCAB) if rng.random() < 0.7 else rng.choice(STOPWORDS)
                for _ in range(rng.randint(6, 14))
            ]
            sentence[0] = sentence[0].capitalize()
            words.append(" ".join(sentence) + ".")
            count += len(sentence)
        return " ".join(words).replace(" \n ", "\n")

    def complete(self, body: dict[str, Any], fault: str | None) -> tuple[int, dict[str, Any]]:
        """The status and body of a chat completion for ``body`` (no rate limiting)."""
        messages = body.get("messages") or []
        prompt = "\n".join(str(m.get("content", "")) for m in messages)
        rng = random.Random(f"{self.config.seed}:{next(self._ids)}:{prompt[:200]}")
        finish = "stop"
        if fault == "server_error":
            return 500, {"error": {"message": "The server had an error", "type": "server_error"}}
        if fault == "bad_gateway":
            return 502, {"error": {"message": "Bad gateway", "type": "server_error"}}
        if fault == "duplicate" and self.texts:
            text = self.texts[-1]
        elif fault == "refusal":
            text = "I'm sorry, but I cannot help with creating that resume."
        elif fault == "short":
            text = "Jane Doe. Worked in the kitchen with the team for a year."
        else:
            text = self._resume_text(prompt, rng)
        if fault == "placeholder":
            text = "[Your Name]\n" + text
        content = json.dumps({"resume": "" if fault == "empty" else text})
        if fault == "bad_json":
            content = '{"resume": "' + text[:200]
        if fault == "truncated":
            content, finish = content[: len(content) // 2], "length"
        if fault not in ("bad_json", "truncated", "refusal", "short", "empty", "placeholder"):
            with self._lock:
                self.texts.append(text)
        prompt_tokens = count_tokens(prompt) + 3 * len(messages)
        completion_tokens = count_tokens(content)
        return 200, {
            "id": f"chatcmpl-{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "fake-model"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": finish,
                    "logprobs": None,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }

    def admit(self, charge: int, fault: str | None) -> tuple[bool, dict[str, str]]:
        """Charge a request against the window; returns (accepted, rate-limit headers).

        The ``rate_limit`` fault answers 429 without charging, as if another client had used the budget.
        """
        config = self.config
        now = time.monotonic()
        with self._lock:
            window = self._window
            window.prune(now, config.window_s)
            over_requests = config.rpm is not None and len(window.entries) + 1 > config.rpm
            over_tokens = config.tpm is not None and window.tokens + charge > config.tpm
            accepted = not (over_requests or over_tokens or fault == "rate_limit")
            if accepted:
                window.entries.append((now, charge))
                window.tokens += charge
            self.arrivals.append(Arrival(now, 200 if accepted else 429, charge if accepted else 0, fault))
            limit_requests = config.rpm or config.report_limit_requests
            limit_tokens = config.tpm or config.report_limit_tokens
            first_expiry = window.entries[0][0] + config.window_s - now if window.entries else 0.0
            wait = 0.2 if fault == "rate_limit" else 0.0
            if not accepted:
                if over_requests:
                    index = len(window.entries) - (config.rpm or 0)
                    wait = window.entries[index][0] + config.window_s - now
                if over_tokens:
                    freed = 0
                    for t, tokens in window.entries:
                        freed += tokens
                        if window.tokens - freed + charge <= (config.tpm or 0):
                            wait = max(wait, t + config.window_s - now)
                            break
                    else:
                        wait = config.window_s
            headers = {
                "x-ratelimit-limit-requests": str(limit_requests),
                "x-ratelimit-remaining-requests": str(max(0, limit_requests - len(window.entries))),
                "x-ratelimit-reset-requests": format_duration(first_expiry),
                "x-ratelimit-limit-tokens": str(limit_tokens),
                "x-ratelimit-remaining-tokens": str(max(0, limit_tokens - window.tokens)),
                "x-ratelimit-reset-tokens": format_duration(first_expiry),
            }
            if not accepted:
                headers["retry-after-ms"] = str(max(1, math.ceil(wait * 1000)))
                headers["retry-after"] = str(max(1, math.ceil(wait)))
        return accepted, headers

    def hang(self) -> None:
        self._release.wait(self.config.hang_s)

    # --- batches --------------------------------------------------------------------------------------------
    def store_file(self, content: bytes, filename: str, purpose: str) -> dict[str, Any]:
        file_id = f"file-{next(self._ids)}"
        with self._lock:
            self._files[file_id] = content
        return {
            "id": file_id,
            "object": "file",
            "bytes": len(content),
            "created_at": int(time.time()),
            "filename": filename,
            "purpose": purpose,
            "status": "processed",
        }

    def file_content(self, file_id: str) -> bytes | None:
        with self._lock:
            return self._files.get(file_id)

    def create_batch(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        content = self.file_content(str(body.get("input_file_id")))
        if content is None:
            return 404, {"error": {"message": "No such file", "type": "invalid_request_error"}}
        outputs = []
        for line in content.decode().splitlines():
            request = json.loads(line)
            status, response = self.complete(request["body"], self._next_fault())
            outputs.append(
                json.dumps(
                    {
                        "id": f"batch_req_{next(self._ids)}",
                        "custom_id": request["custom_id"],
                        "response": {"status_code": status, "body": response},
                        "error": None,
                    }
                )
            )
        self.counts["batch_lines"] += len(outputs)
        output = self.store_file(("\n".join(outputs) + "\n").encode(), "output.jsonl", "batch_output")
        batch_id = f"batch_{next(self._ids)}"
        batch = {
            "id": batch_id,
            "object": "batch",
            "endpoint": body.get("endpoint"),
            "input_file_id": body.get("input_file_id"),
            "completion_window": body.get("completion_window"),
            "created_at": int(time.time()),
            "status": "validating",
            "metadata": body.get("metadata"),
            "request_counts": {"total": len(outputs), "completed": 0, "failed": 0},
            "_output": output["id"],
            "_ready_at": time.monotonic() + self.config.batch_delay_s,
        }
        with self._lock:
            self._batches[batch_id] = batch
        return 200, self._batch_view(batch)

    def batch(self, batch_id: str, cancel: bool = False) -> tuple[int, dict[str, Any]]:
        with self._lock:
            batch = self._batches.get(batch_id)
        if batch is None:
            return 404, {"error": {"message": "No such batch", "type": "invalid_request_error"}}
        if cancel:
            batch["status"] = "cancelled"
        return 200, self._batch_view(batch)

    def _batch_view(self, batch: dict[str, Any]) -> dict[str, Any]:
        view = {k: v for k, v in batch.items() if not k.startswith("_")}
        if view["status"] == "cancelled":
            return view
        if time.monotonic() >= batch["_ready_at"]:
            view.update(status="completed", output_file_id=batch["_output"], completed_at=int(time.time()))
            view["request_counts"] = {**view["request_counts"], "completed": view["request_counts"]["total"]}
        else:
            view["status"] = "in_progress"
        return view


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 drops connection bursts, and a dropped SYN costs a one-second resend.
    request_queue_size = 256

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients that time out or are killed drop their connections; that is the point of some tests.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeOpenAI

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests read the arrival log instead
        pass

    def _send(self, status: int, body: dict[str, Any] | bytes, headers: dict[str, str] | None = None) -> None:
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout); nothing to do

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _authorised(self) -> bool:
        return self.headers.get("Authorization") == f"Bearer {self.fake.config.api_key}"

    def _deny(self) -> None:
        self._send(
            401,
            {
                "error": {
                    "message": "Incorrect API key provided: sk-te**********",
                    "type": "invalid_request_error",
                    "code": "invalid_api_key",
                }
            },
        )

    def do_GET(self) -> None:
        raw = self._body()
        del raw
        if not self._authorised():
            self._deny()
            return
        path = self.path.split("?")[0]
        match = re.fullmatch(r"/v1/files/([\w-]+)/content", path)
        if match:
            content = self.fake.file_content(match.group(1))
            if content is None:
                self._send(404, {"error": {"message": "No such file"}})
            else:
                self._send(200, content)
            return
        match = re.fullmatch(r"/v1/batches/([\w-]+)", path)
        if match:
            self._send(*self.fake.batch(match.group(1)))
            return
        self._send(404, {"error": {"message": f"Unknown path {path}"}})

    def do_POST(self) -> None:
        raw = self._body()
        path = self.path.split("?")[0]
        if path == "/v1/chat/completions":
            self._chat(raw)
            return
        if not self._authorised():
            self._deny()
            return
        if path == "/v1/files":
            self._upload(raw)
        elif path == "/v1/batches":
            self._send(*self.fake.create_batch(json.loads(raw)))
        elif match := re.fullmatch(r"/v1/batches/([\w-]+)/cancel", path):
            self._send(*self.fake.batch(match.group(1), cancel=True))
        else:
            self._send(404, {"error": {"message": f"Unknown path {path}"}})

    def _upload(self, raw: bytes) -> None:
        content_type = self.headers.get("Content-Type", "")
        message = email.parser.BytesParser(policy=email.policy.default).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
        )
        fields: dict[str, tuple[str | None, bytes]] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if isinstance(name, str) and isinstance(payload, bytes):
                fields[name] = (part.get_filename(), payload)
        if "file" not in fields:
            self._send(400, {"error": {"message": "file is required"}})
            return
        filename, content = fields["file"]
        purpose = fields.get("purpose", (None, b"batch"))[1].decode()
        self._send(200, self.fake.store_file(content, filename or "upload.jsonl", purpose))

    def _chat(self, raw: bytes) -> None:
        fake = self.fake
        fault = fake._next_fault()
        fake.counts["requests"] += 1
        if fault == "auth" or not self._authorised():
            self._deny()
            return
        if fault == "quota":
            self._send(
                429,
                {
                    "error": {
                        "message": "You exceeded your current quota, please check your plan "
                        "and billing details.",
                        "type": "insufficient_quota",
                        "code": "insufficient_quota",
                    }
                },
            )
            return
        try:
            body = json.loads(raw)
        except json.JSONDecodeError:
            self._send(400, {"error": {"message": "Invalid JSON body", "type": "invalid_request_error"}})
            return
        status, response = fake.complete(body, fault if fault != "rate_limit" else None)
        if fake.config.charge == "reserved":
            prompt = response["usage"]["prompt_tokens"] if status == 200 else count_tokens(json.dumps(body))
            charge = prompt + int(body.get("max_tokens") or 4096)
        else:
            charge = response["usage"]["total_tokens"] if status == 200 else count_tokens(json.dumps(body))
        accepted, headers = fake.admit(charge, fault)
        if not accepted:
            fake.counts["429"] += 1
            self._send(
                429,
                {
                    "error": {
                        "message": "Rate limit reached for requests",
                        "type": "requests",
                        "code": "rate_limit_exceeded",
                    }
                },
                headers,
            )
            return
        delay = fake.config.latency_s + random.uniform(0, fake.config.latency_jitter_s)
        if delay:
            time.sleep(delay)
        if fault == "hang":
            fake.hang()
            return
        if fault == "malformed_body":
            self._send(200, b'{"id": "chatcmpl-broken", "choices": [', headers)
            return
        self._send(status, response, headers)


def iter_jsonl(path: str) -> Iterator[dict[str, Any]]:
    """Records of a JSONL file (test helper)."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)
