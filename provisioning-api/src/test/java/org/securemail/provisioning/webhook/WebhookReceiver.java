package org.securemail.provisioning.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on a free loopback port that receives webhooks: it records every request (path, headers, body,
 * when) and answers each path with the statuses a test scripted, then with that path's default (200 unless set).
 */
final class WebhookReceiver implements AutoCloseable {

    /** One request as it arrived. */
    record Received(String path, Map<String, String> headers, String body, Instant at) {

        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);
    private final CountDownLatch released = new CountDownLatch(1);
    private final Set<String> hanging = ConcurrentHashMap.newKeySet();

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Integer>> scripted = new ConcurrentHashMap<>();
    private final Map<String, Integer> defaults = new ConcurrentHashMap<>();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** The next requests to {@code path} get these statuses, in order; later ones the path's default. */
    WebhookReceiver answer(String path, Integer... statuses) {
        scripted.computeIfAbsent(path, p -> new ArrayDeque<>()).addAll(List.of(statuses));
        return this;
    }

    /** Every request to {@code path} (after the scripted ones) gets {@code status}. */
    WebhookReceiver always(String path, int status) {
        defaults.put(path, status);
        return this;
    }

    /** Requests to {@code path} are read and then never answered (until the receiver closes). */
    WebhookReceiver hang(String path) {
        hanging.add(path);
        return this;
    }

    List<Received> at(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> headers = new ConcurrentHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT),
                String.join(",", values)));
        String path = exchange.getRequestURI().getPath();
        received.add(new Received(path, headers, body, Instant.now()));
        respond(exchange, path);
    }

    private void respond(HttpExchange exchange, String path) throws IOException {
        if (hanging.contains(path)) {
            try {
                released.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        Deque<Integer> script = scripted.get(path);
        Integer next = script == null ? null : script.pollFirst();
        int status = next != null ? next : defaults.getOrDefault(path, 200);
        byte[] answer = ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
        if (status / 100 == 3) {
            exchange.getResponseHeaders().add("Location", url("/redirected"));
        }
        exchange.sendResponseHeaders(status, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
