"""moto's server, made faithful where videohook depends on it (see MOTO.md beside this file).

Serves every moto service (DynamoDB with Streams, Secrets Manager, EventBridge, SQS) on one port:
  python3 moto_launcher.py [--host 127.0.0.1] [--port 0]
Port 0 takes a free one. Prints "READY <port>" once it listens, and exits when its standard input
closes, so the process that started it cannot leave it behind. Exit codes: 3 when moto is not
installed for this interpreter, 4 when the port is taken.
"""

import argparse
import io
import logging
import sys
import threading

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
        server = make_server(
            args.host, args.port, locked(DomainDispatcherApplication(create_backend_app)),
            threaded=True)
    except (OSError, SystemExit):  # werkzeug exits itself on a port in use
        print("PORT_TAKEN %s:%d" % (args.host, args.port), flush=True)
        sys.exit(4)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("READY %d" % server.server_port, flush=True)
    # the parent keeps our stdin open while it lives; EOF means it has gone
    sys.stdin.buffer.read()
    server.shutdown()


if __name__ == "__main__":
    main()
