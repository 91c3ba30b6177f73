//! What Flask answers for the handout's `hello.py` (one route, `/`), as data: status,
//! Werkzeug's reason phrase, content type, `Allow`, body. Checked against a real Flask
//! app in the tests; nothing here touches the network.

use bytes::Bytes;
use hyper::Method;

/// Werkzeug's 404 page, byte for byte.
pub const NOT_FOUND_HTML: &str = "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n\
    <h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL \
    manually please check your spelling and try again.</p>\n";

/// Werkzeug's 405 page, byte for byte.
pub const METHOD_NOT_ALLOWED_HTML: &str =
    "<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n\
    <h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n";

/// Flask's content type for string views and error pages.
pub const CONTENT_TYPE: &str = "text/html; charset=utf-8";

/// The methods the `/` route answers (Flask adds HEAD and OPTIONS to GET).
pub const ALLOW: &str = "OPTIONS, HEAD, GET";

/// One answer of the hello app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    /// Werkzeug writes reason phrases in capitals: `404 NOT FOUND`.
    pub reason: &'static str,
    /// `Allow`, on 405 and OPTIONS.
    pub allow: Option<&'static str>,
    pub body: Bytes,
}

/// The hello app: `GET /` (and HEAD) answer `message`, OPTIONS lists the methods, other
/// methods on `/` get 405, every other path 404. The query string does not matter.
pub fn route(method: &Method, path: &str, message: &Bytes) -> Reply {
    if path != "/" {
        return Reply {
            status: 404,
            reason: "NOT FOUND",
            allow: None,
            body: Bytes::from_static(NOT_FOUND_HTML.as_bytes()),
        };
    }
    match *method {
        // hyper leaves the body out of a HEAD answer but keeps its Content-Length.
        Method::GET | Method::HEAD => Reply {
            status: 200,
            reason: "OK",
            allow: None,
            body: message.clone(),
        },
        Method::OPTIONS => Reply {
            status: 200,
            reason: "OK",
            allow: Some(ALLOW),
            body: Bytes::new(),
        },
        _ => Reply {
            status: 405,
            reason: "METHOD NOT ALLOWED",
            allow: Some(ALLOW),
            body: Bytes::from_static(METHOD_NOT_ALLOWED_HTML.as_bytes()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hello() -> Bytes {
        Bytes::from_static(b"Hello, World!")
    }

    #[test]
    fn the_route_answers_like_flask() {
        let get = route(&Method::GET, "/", &hello());
        assert_eq!(
            (get.status, get.reason, &get.body[..]),
            (200, "OK", &b"Hello, World!"[..])
        );
        assert_eq!(route(&Method::HEAD, "/", &hello()).body, hello());
        let options = route(&Method::OPTIONS, "/", &hello());
        assert_eq!(
            (options.status, options.allow, options.body.len()),
            (200, Some(ALLOW), 0)
        );
        let post = route(&Method::POST, "/", &hello());
        assert_eq!(
            (post.status, post.reason, post.allow),
            (405, "METHOD NOT ALLOWED", Some(ALLOW))
        );
        assert_eq!(post.body.len(), 153, "Werkzeug's 405 page is 153 bytes");
        let missing = route(&Method::DELETE, "/nope", &hello());
        assert_eq!(
            (missing.status, missing.reason, missing.body.len()),
            (404, "NOT FOUND", 207)
        );
    }
}
