"""moto's server, made faithful where videohook depends on it (see MOTO.md beside this file).

Serves every moto service (DynamoDB with Streams, Secrets Manager, EventBridge, SQS) on one port:
  python3 moto_launcher.py [--host 127.0.0.1] [--port 0]
Port 0 takes a free one. Prints "READY <port>" once it listens, and exits when its standard input
closes, so the process that started it cannot leave it behind. Exit codes: 3 when moto is not
installed for this interpreter, 4 when the port is taken.

Only SDK clients are served: moto accepts any signature, so a web page open in the operator's
browser must not reach it (see browser_guard).
"""

import argparse
import io
import ipaddress
import logging
import os
import sys
import threading

# moto answers every Origin with a matching Access-Control-Allow-Origin unless told not to; no
# browser page is ever a legitimate reader of it (browser_guard refuses them all the same)
os.environ["MOTO_DISABLE_GLOBAL_CORS"] = "true"

try:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server
    from werkzeug.wsgi import get_input_stream
except ImportError as e:
    print("MOTO_MISSING %s" % e, flush=True)
    sys.exit(3)


def locked(app):
    # moto applies an item-creating UpdateItem in two steps (keys first, then the SETs) without a
    # lock, so racing conditional updates can both win. One request at a time makes every write
    # atomic, as DynamoDB's are; moto serves one request at a time anyway (it holds the GIL).
    lock = threading.Lock()

    def serve(environ, start_response):
        # the whole body is read before the lock is taken: a client that is slow to send it, or
        # that is cut off halfway, then holds up only its own thread, never every other request
        body = get_input_stream(environ).read()
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ["wsgi.input_terminated"] = False
        with lock:
            return list(app(environ, start_response))

    return serve


# headers browsers add to the requests they send and SDK clients never do: Origin (every CORS
# request, every POST) and the Fetch Metadata headers (every request of a current browser)
BROWSER_HEADERS = ("HTTP_ORIGIN", "HTTP_SEC_FETCH_SITE", "HTTP_SEC_FETCH_MODE", "HTTP_SEC_FETCH_DEST")


def is_loopback_host(host_header):
    """True for a Host header naming this machine's loopback: localhost (or a name under it),
    127.0.0.0/8 or [::1], with any port."""
    host = host_header.strip().lower()
    if host.startswith("["):
        host = host[1:host.find("]")] if "]" in host else host
    elif host.count(":") == 1:
        host = host.split(":")[0]
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_allowed_browser_request(environ):
    """A browser opening a link itself (a presigned S3 link from the local jobs page, a URL typed
    in): a plain navigation from this machine's pages, which no script can read the answer of."""
    return (
        environ.get("REQUEST_METHOD") in ("GET", "HEAD")
        and "HTTP_ORIGIN" not in environ
        and environ.get("HTTP_SEC_FETCH_MODE") == "navigate"
        and environ.get("HTTP_SEC_FETCH_SITE") in ("none", "same-origin", "same-site")
    )


def browser_guard(app, loopback_only):
    # moto accepts any signature, so whatever reaches it is served: a web page open while the
    # local stack runs could read its secrets and its tables (a cross-origin fetch, or DNS
    # rebinding, where the page's own name points at 127.0.0.1). SDK clients send neither Origin
    # nor Fetch Metadata headers and name a loopback host; a browser's request is refused with 403
    # and no CORS header (so a preflight fails too), and so is a foreign Host while moto listens
    # on loopback only (bound to every interface for a container, the Host is the container's name
    # for this machine and is not checked).
    refusal = b"moto in the videohook local stack serves AWS SDK clients only\n"

    def refuse(environ, start_response):
        get_input_stream(environ).read()  # the connection stays usable for its next request
        start_response(
            "403 Forbidden",
            [("Content-Type", "text/plain"), ("Content-Length", str(len(refusal)))])
        return [refusal]

    def serve(environ, start_response):
        from_browser = any(header in environ for header in BROWSER_HEADERS)
        if from_browser and not is_allowed_browser_request(environ):
            return refuse(environ, start_response)
        if loopback_only and not is_loopback_host(environ.get("HTTP_HOST", "")):
            return refuse(environ, start_response)

        def without_cors(status, headers, exc_info=None):
            kept = [(k, v) for k, v in headers if not k.lower().startswith("access-control-")]
            return start_response(status, kept, exc_info)

        return app(environ, without_cors)

    return serve


def cache_jsonpath_parsers():
    # moto's EventBridge builds a JSONPath parser (a PLY grammar, ~40 ms) for each of the 8 fields
    # of each event it delivers to a target, so one PutEvents took ~300 ms and, behind the lock,
    # held every other request back. The expressions are the same few every time and a parsed
    # expression is immutable, so one parse per expression is enough.
    try:
        import functools
        import jsonpath_ng.ext
    except ImportError:
        return
    jsonpath_ng.ext.parse = functools.lru_cache(maxsize=256)(jsonpath_ng.ext.parse)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    # a line per request on stderr would only fill the parent's log
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    cache_jsonpath_parsers()
    try:
        app = locked(DomainDispatcherApplication(create_backend_app))
        server = make_server(
            args.host, args.port, browser_guard(app, is_loopback_host(args.host)), threaded=True)
    except (OSError, SystemExit):  # werkzeug exits itself on a port in use
        print("PORT_TAKEN %s:%d" % (args.host, args.port), flush=True)
        sys.exit(4)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("READY %d" % server.server_port, flush=True)
    # the parent keeps our stdin open while it lives; EOF means it has gone, or is closing us.
    # Exit at once: server.shutdown() would wait out serve_forever's half-second poll, and the
    # state lives in this process only, so there is nothing to finish first
    sys.stdin.buffer.read()
    os._exit(0)


if __name__ == "__main__":
    main()
