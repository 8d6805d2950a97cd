// Package gateway is the lab's gateway interface: WSGI (PEP 3333) in Go's
// shape. WSGI is not a layer with a socket of its own but the way a server
// and an application talk inside one process: the server builds an
// environ from the request, calls the app with it and a start_response,
// and writes out the chunks of the body the app returns.
//
//   - An App is func(env *Environ, start StartResponse) (Body, error).
//   - An Environ keeps its keys in the order they were set; RequestEnviron
//     builds one from a request with the keys gunicorn sets, in its order.
//   - A Body yields chunks and may have a Close, which is always called.
//   - Serve is the server's dispatch loop, with the PEP's rules; servers
//     (the pre-fork server's workers, the wsgiref-like server in package
//     wsgiref) give it a ResponseWriter that writes their own headers.
//   - A Middleware is an app wrapping an app; Chain stacks them. The
//     package has the kinds the talk lists: InsertHeaders, Route,
//     ModifyResponse, Cache, Logger, and Announce to show the order.
//   - Apps are named module:callable, as gunicorn names them; Register and
//     Lookup keep the ones compiled into the lab, so a worker process (the
//     lab's own binary) finds an app by name.
//
// Serve records each hand-off through a Tracer: the environ going down,
// then start_response, every chunk and close coming up, between the
// calling server (From) and "gateway" (To).
//
// NOTES:
//   - Headers go out with the first non-empty chunk, as the PEP says.
//     gunicorn 20.1.0 sends them with the first chunk even when it is
//     empty; the bytes differ only for an app that yields b"" and then
//     fails.
//   - An app that never calls start_response is an error here, answered
//     with 500 by the server; gunicorn 20.1.0 instead sends the status line
//     "HTTP/1.0 None" (measured).
//   - Raising is returning an error, or panicking; both are an *AppError.
//     A StartResponse that "raises" returns an error the app should pass
//     on.
//   - The PEP's write() callable, which start_response returns for old
//     apps, is left out: the PEP itself calls it a legacy hack.
//   - Python's wsgiref copies the whole process environment into each
//     environ; the lab never does, so no transcript shows a machine's
//     variables.
package gateway
