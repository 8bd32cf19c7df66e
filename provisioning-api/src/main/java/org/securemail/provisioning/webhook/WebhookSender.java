package org.securemail.provisioning.webhook;

import java.net.URI;
import java.util.Map;

import io.smallrye.mutiny.Uni;

/**
 * Sends one signed webhook request. The port to the outside: {@link VertxWebhookSender} is the real one, tested against
 * a real HTTP server in the module's tests (a fake would only test itself: the dispatcher's tests use that server).
 */
public interface WebhookSender {

    /**
     * POSTs {@code body} (JSON) with {@code headers} to {@code url}. Completes within the configured timeout, never
     * with a failure: what happened is in the {@link SendResult}.
     */
    Uni<SendResult> send(URI url, Map<String, String> headers, String body);
}
