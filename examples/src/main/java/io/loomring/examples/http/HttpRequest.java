package io.loomring.examples.http;

/**
 * The parts of one request head the server acts on.
 *
 * @param method        the method token, such as {@code GET}
 * @param target        the request target, such as {@code /} or {@code /index.html?x=1}
 * @param keepAlive     whether the connection stays open after the response (HTTP/1.1 unless
 *                      {@code Connection: close}; HTTP/1.0 only with {@code Connection: keep-alive})
 * @param http10        whether the request said HTTP/1.0
 * @param contentLength body bytes that follow the head (0 without {@code Content-Length})
 * @param chunked       whether the body uses {@code Transfer-Encoding}, which this server does not read
 */
record HttpRequest(String method, String target, boolean keepAlive, boolean http10, long contentLength,
                   boolean chunked) {
    /** The target's path, without the query. */
    String path() {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }
}
