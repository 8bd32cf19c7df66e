package org.securemail.provisioning.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.securemail.provisioning.config.ProvisioningConfig;

import io.smallrye.mutiny.Uni;

/**
 * The console's DNS view: each configured DNS service's {@code /dns/upstreams}, {@code /dns/zones} and
 * {@code /dns/counters}, asked at once with a deadline. A zone's "failing since" is the first time this replica saw
 * it among the cached failures (the DNS service's cache entry keeps the failure count, not its start), so it is
 * exact while a console is open and "at least since" otherwise.
 */
@ApplicationScoped
public class ConsoleDns {

    /** Cached failures asked for per DNS service (the busiest first). */
    static final int ZONES_LIMIT = 50;
    /** Most failing names remembered for "since" (a bound on a map fed by other services' answers). */
    static final int MAX_REMEMBERED = 5000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, Instant> failingSince = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    @Inject
    ProvisioningConfig config;

    @Inject
    ObjectMapper json;

    /** One DNS service as the view shows it: reachable or not, and its three answers. */
    public record ServiceView(String url, boolean reachable, String error, JsonNode upstreams, JsonNode zones,
            JsonNode counters) {
    }

    @org.eclipse.microprofile.openapi.annotations.media.Schema(example = "{\"configured\": true, \"at\": \"2026-12-07T16:50:33Z\", \"services\": [{\"url\": \"http://dns-service:8082\", \"reachable\": true, \"upstreams\": [{\"upstream\": \"10.0.0.53:53\", \"state\": \"SUSPENDED\", \"srttMillis\": 12.5, \"inFlight\": 3, \"limit\": 6, \"cap\": 48, \"slowBudget\": 2, \"consecutiveTimeouts\": 5, \"answers\": 1200, \"timeouts\": 7}], \"zones\": {\"inFlight\": 6, \"cap\": 256, \"slowBudgetUsed\": 6, \"waiting\": 0, \"busiest\": [{\"zone\": \"hosted.example\", \"inFlight\": 4}], \"cachedFailures\": [{\"name\": \"hosted.example\", \"type\": \"MX\", \"failures\": 3, \"retryInMillis\": 20000, \"detail\": \"timeout from 10.0.0.53:53\", \"staleAvailable\": true, \"failingSince\": \"2026-12-07T16:41:02Z\"}]}, \"counters\": {\"staleServed\": 42, \"failuresCached\": 3, \"failureCacheHits\": 17, \"zonesRecovered\": 0, \"shedByCap\": {\"slow-budget\": 6}, \"answersByStatus\": {\"ANSWER\": 1180, \"STALE\": 42}}}]}")
    public record DnsView(boolean configured, Instant at, List<ServiceView> services) {
    }

    public Uni<DnsView> view() {
        List<String> urls = config.console().dnsUrls().orElse(List.of()).stream().map(String::trim)
                .filter(u -> !u.isEmpty()).map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).toList();
        List<CompletableFuture<ServiceView>> asked = urls.stream().map(this::ask).toList();
        return Uni.createFrom().completionStage(CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
                .thenApply(done -> new DnsView(!urls.isEmpty(), clock.instant(),
                        asked.stream().map(CompletableFuture::join).toList())));
    }

    private CompletableFuture<ServiceView> ask(String base) {
        CompletableFuture<JsonNode> upstreams = get(base + "/dns/upstreams");
        CompletableFuture<JsonNode> zones = get(base + "/dns/zones?limit=" + ZONES_LIMIT);
        CompletableFuture<JsonNode> counters = get(base + "/dns/counters");
        return CompletableFuture.allOf(upstreams, zones, counters)
                .thenApply(done -> new ServiceView(base, true, null, upstreams.join(), since(base, zones.join()),
                        counters.join()))
                .exceptionally(e -> new ServiceView(base, false, reason(e), null, null, null));
    }

    private CompletableFuture<JsonNode> get(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(config.console().timeout())
                .header("Accept", "application/json").GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode());
            }
            try {
                return json.readTree(response.body());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(url + " answered something that is not JSON");
            }
        });
    }

    /** Adds {@code failingSince} to each cached failure of a service's zones view. */
    private JsonNode since(String base, JsonNode zones) {
        JsonNode failures = zones.path("cachedFailures");
        Instant now = clock.instant();
        Set<String> seen = new HashSet<>();
        for (JsonNode failure : failures) {
            String key = base + " " + failure.path("type").asText() + " " + failure.path("name").asText();
            seen.add(key);
            Instant since = failingSince.size() < MAX_REMEMBERED ? failingSince.computeIfAbsent(key, k -> now)
                    : failingSince.getOrDefault(key, now);
            ((ObjectNode) failure).put("failingSince", since.toString());
        }
        List<String> over = new ArrayList<>();
        failingSince.keySet().stream().filter(k -> k.startsWith(base + " ") && !seen.contains(k)).forEach(over::add);
        over.forEach(failingSince::remove);
        return zones;
    }

    private static String reason(Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof java.net.http.HttpTimeoutException) {
            return "no answer within the deadline";
        }
        if (cause instanceof java.net.ConnectException) {
            return "connection refused";
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }
}
