package org.securemail.ingest.inspect.content;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

import io.smallrye.mutiny.Uni;

/**
 * The {@link ContentScanner} on rspamd's HTTP protocol: {@code POST /checkv2} on the normal worker, the envelope in
 * request headers, a JSON verdict back. Non-blocking (the JDK HTTP client, asynchronously), and bounded: message
 * size (larger is SKIPPED, not sent), reply size, time for the whole exchange, and scans in flight (a semaphore;
 * one past it is SCAN_FAILED BUSY at once, nothing waits in a queue). The Uni never fails.
 */
public final class RspamdScanner implements ContentScanner {

    private final RspamdOptions options;
    private final HttpClient client;
    private final Semaphore inFlight;

    /** A scanner with its own HTTP client (HTTP/1.1, connect timeout = scan timeout). */
    public RspamdScanner(RspamdOptions options) {
        this(options, HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.timeout())
                .build());
    }

    public RspamdScanner(RspamdOptions options, HttpClient client) {
        this.options = Objects.requireNonNull(options, "options");
        this.client = Objects.requireNonNull(client, "client");
        this.inFlight = new Semaphore(options.maxConcurrentScans());
    }

    @Override
    public Uni<ScanVerdict> scan(ScanRequest request) {
        Objects.requireNonNull(request, "request");
        if (request.message().length > options.maxMessageBytes()) {
            return Uni.createFrom().item(ScanVerdict.skipped(request.message().length, options.maxMessageBytes()));
        }
        return Uni.createFrom().deferred(() -> send(request));
    }

    /** Scans in flight now (for metrics and tests). */
    public int inFlight() {
        return options.maxConcurrentScans() - inFlight.availablePermits();
    }

    private Uni<ScanVerdict> send(ScanRequest request) {
        if (!inFlight.tryAcquire()) {
            return Uni.createFrom().item(ScanVerdict.failed(ScanProblem.BUSY,
                    "busy: " + options.maxConcurrentScans() + " scans in flight"));
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                inFlight.release();
            }
        };
        HttpRequest http;
        try {
            http = RspamdRequest.build(options, request);
        } catch (RuntimeException e) {
            release.run();
            return Uni.createFrom().item(ScanVerdict.failed(ScanProblem.UNREACHABLE,
                    "request not built: " + RspamdReply.clip(e.getMessage())));
        }
        return Uni.createFrom()
                .completionStage(() -> client.sendAsync(http, BoundedBody.handler(options.maxReplyBytes())))
                .map(this::verdict)
                .ifNoItem().after(options.timeout()).fail()
                .onFailure().recoverWithItem(this::failure)
                .onTermination().invoke(release);
    }

    private ScanVerdict verdict(HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            String error = RspamdReply.errorText(response.body());
            return ScanVerdict.failed(ScanProblem.HTTP_ERROR, "rspamd answered HTTP " + response.statusCode()
                    + (error.isEmpty() ? "" : ": " + error));
        }
        return RspamdReply.parse(response.body(), options.maxSymbols());
    }

    private ScanVerdict failure(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String detail = RspamdReply.clip(cause.getMessage());
        if (cause instanceof io.smallrye.mutiny.TimeoutException || cause instanceof HttpTimeoutException) {
            return ScanVerdict.failed(ScanProblem.TIMEOUT, "no reply within " + options.timeout());
        }
        if (cause instanceof BoundedBody.TooLarge) {
            return ScanVerdict.failed(ScanProblem.REPLY_TOO_LARGE, detail);
        }
        if (cause instanceof ConnectException) {
            return ScanVerdict.failed(ScanProblem.UNREACHABLE, "cannot connect to " + options.endpoint() + ": "
                    + detail);
        }
        if (cause instanceof IOException) {
            return ScanVerdict.failed(ScanProblem.UNREACHABLE, "exchange with " + options.endpoint() + " failed: "
                    + cause.getClass().getSimpleName() + " " + detail);
        }
        return ScanVerdict.failed(ScanProblem.BAD_REPLY, cause.getClass().getSimpleName() + " " + detail);
    }
}
