package org.securemail.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.securemail.system.SubmissionLoad.Submitted;
import org.securemail.system.SubmissionLoad.Work;
import org.securemail.testing.FreePorts;
import org.securemail.testing.RecordingMx;
import org.securemail.testing.dns.TestDnsServer;

/**
 * The outage of issue 7 in miniature, phases 1-3, against the four packaged services as processes, a real broker and
 * a real PostgreSQL. Two {@link TestDnsServer}s model the provider's recursive resolvers (the DNS service's two
 * upstreams): 64 slots each, and a query for a zone on dead authoritative servers holds its slot for {@link #HOLD}
 * before it is answered SERVFAIL. 30 healthy and 10 hosted recipient domains, each its own zone; every MX host is
 * 127.0.0.1, where a {@link RecordingMx} records every (Message-ID, recipient).
 *
 * <ol>
 *   <li>Baseline: a burst to every domain (and fresh names under them): everything delivered.</li>
 *   <li>Outage: steady submissions, healthy domains and fresh names under the hosted ones; after a few seconds the
 *       hosted zones die on both resolvers. Healthy mail is delivered while they are dead, the ingress refuses
 *       nothing, and neither resolver ever runs out of slots.</li>
 *   <li>Recovery: the hosted zones answer again; every accepted message arrives without operator action, with at
 *       most a few duplicates.</li>
 * </ol>
 *
 * The DNS service runs with its defaults: nothing here is tuned to make it pass. No absolute speed is asserted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutageIT {

    static final int HEALTHY_DOMAINS = 30;
    static final int HOSTED_DOMAINS = 10;
    /** The modelled resolver's query capacity (Unbound num-queries-per-thread at the provider). */
    static final int SLOTS = 64;
    /** How long the modelled resolver works on a query for a dead zone before it gives up (SERVFAIL). */
    static final Duration HOLD = Duration.ofSeconds(Long.getLong("outage.resolver.hold-seconds", 25));
    static final double RATE = 8;
    static final int CONNECTIONS = 4;
    static final int BEFORE_FREEZE = 40;
    static final int OUTAGE_MESSAGES = Integer.getInteger("outage.messages", 360);

    private static final String OPERATOR_KEY = "outage-it-operator-key-0123456789abcdef";
    private static final String SENDER_DOMAIN = "sender.outage-it.test";
    private static final String USER = "load@" + SENDER_DOMAIN;
    private static final String PASSWORD = "outage-it-password-1";

    private static Stack stack;
    private static TestDnsServer resolver1;
    private static TestDnsServer resolver2;
    private static RecordingMx mx;
    private static SubmissionLoad load;
    private static DnsSampler sampler;
    private static DeferralTally deferrals;
    private static int submissionPort;
    private static volatile long freezeAt;
    private static long thawAt;
    private static final List<String> summary = new ArrayList<>();

    static String healthy(int i) {
        return String.format(Locale.ROOT, "healthy-%02d.test", i);
    }

    static String hosted(int i) {
        return String.format(Locale.ROOT, "hosted-%02d.test", i);
    }

    static List<String> hostedZones() {
        return IntStream.rangeClosed(1, HOSTED_DOMAINS).mapToObj(OutageIT::hosted).toList();
    }

    static List<String> allZones() {
        List<String> zones = new ArrayList<>();
        IntStream.rangeClosed(1, HEALTHY_DOMAINS).forEach(i -> zones.add(healthy(i)));
        zones.addAll(hostedZones());
        return zones;
    }

    static String fresh(String domain) {
        return "r" + Long.toString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL, 36) + "." + domain;
    }

    @BeforeAll
    static void startTheWorld() {
        mx = RecordingMx.start();
        resolver1 = resolver();
        resolver2 = resolver();
        stack = Stack.startInfrastructureConcurrently();
        submissionPort = FreePorts.next();
        stack.startAll(List.of(
                new Stack.Service("provisioning-api", "provisioning-api",
                        Map.of("provisioning.bootstrap-operator-key", OPERATOR_KEY)),
                new Stack.Service("dns-service", "dns-service/server", Map.of(
                        "dns.upstreams", resolver1.hostPort() + "," + resolver2.hostPort(),
                        // the DNS service's defaults; -Doutage.dns.protections=false (its benchmark switch) shows
                        // what the assertions catch
                        "dns.protections", System.getProperty("outage.dns.protections", "true"))),
                new Stack.Service("ingest-service", "ingest-service", Map.of(
                        "ingest.mx.port", Integer.toString(FreePorts.next()),
                        "ingest.submission.port", Integer.toString(submissionPort))),
                // delivery reads mail.ready (its default): submitted mail passes the inspection stage unchanged
                new Stack.Service("delivery-service", "delivery-service", Map.of(
                        "delivery.next-hop-port", Integer.toString(mx.port()),
                        // every MX answer of the modelled world is 127.0.0.1 (refused by default, issue 12)
                        "delivery.network.allowed-networks", "127.0.0.0/8"))));
        load = new SubmissionLoad(submissionPort, USER, PASSWORD, USER, CONNECTIONS);
        sampler = new DnsSampler(stack.services.get("dns-service"), resolver1, resolver2);
        deferrals = new DeferralTally(stack.broker);
    }

    /**
     * One modelled resolver: every zone answers (synthesized MX {@code 10 mx.<zone>}, also for fresh labels under
     * it), every MX host has A 127.0.0.1 and no AAAA.
     */
    private static TestDnsServer resolver() {
        TestDnsServer server = TestDnsServer.start().slots(SLOTS, HOLD)
                .giveUpSilently(Boolean.getBoolean("outage.resolver.give-up-silently"));
        for (String zone : allZones()) {
            server.zone(zone);
            server.record("mx." + zone, "A", "127.0.0.1");
            server.record("mx." + zone, "AAAA");
        }
        return server;
    }

    /** A line of the phase summary: printed now, and again with the others at the end. */
    private static void report(String line) {
        System.out.println("[outage-it] " + line);
        summary.add(line);
    }

    @AfterAll
    static void stopTheWorld() {
        System.out.println("[outage-it] summary (resolver model: " + SLOTS + " slots, dead-zone hold " + HOLD.toSeconds()
                + " s; load " + RATE + " msg/s over " + CONNECTIONS + " connections):");
        summary.forEach(line -> System.out.println("  " + line));
        for (AutoCloseable closeable : new AutoCloseable[] {sampler, deferrals, load, stack, resolver1, resolver2, mx}) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    System.out.println("closing " + closeable + ": " + e);
                }
            }
        }
    }

    @Test
    @Order(1)
    void baselineEveryDomainGetsItsMail() throws Exception {
        provisionTheSender();
        sampler.phase("baseline");
        deferrals.phase("baseline");
        List<Work> burst = new ArrayList<>();
        for (String zone : allZones()) {
            String group = zone.startsWith("hosted") ? "hosted" : "healthy";
            burst.add(new Work("user@" + zone, group, "baseline"));
            burst.add(new Work("user@" + fresh(zone), group, "baseline"));
        }
        load.burst(burst);
        await("the baseline burst is submitted").atMost(Duration.ofSeconds(120)).until(load::idle);
        List<Submitted> sent = phase("baseline");
        assertThat(refused(sent)).as("ingress replies other than 2xx").isEmpty();

        await("every baseline message reaches the MX").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(mx.missing(keys(sent))).isEmpty());
        assertThat(sent).hasSize(burst.size());
        sampler.sampleNow();
        report(line("baseline", sent, 0));
        report(sampler.report("baseline") + "; " + deliveryCounters());
        report(deferrals.report("baseline"));
    }

    @Test
    @Order(2)
    void duringTheOutageHealthyMailFlowsAndTheResolverKeepsFreeSlots() {
        sampler.phase("outage");
        deferrals.phase("outage");
        int hostedQueriesBefore = hostedQueries();
        SubmissionLoad.Steady steady = load.steady(RATE, OUTAGE_MESSAGES, i -> {
            if (i == BEFORE_FREEZE) {
                freeze();
            }
            String phase = i < BEFORE_FREEZE ? "before-freeze" : "outage";
            ThreadLocalRandom random = ThreadLocalRandom.current();
            if (i % 4 == 3) {   // healthy : hosted = 3 : 1, every hosted one a fresh name nobody has cached
                return new Work("user" + i + "@" + fresh(hosted(1 + random.nextInt(HOSTED_DOMAINS))), "hosted", phase);
            }
            String domain = healthy(1 + random.nextInt(HEALTHY_DOMAINS));
            return new Work("user" + i + "@" + (i % 2 == 0 ? fresh(domain) : domain), "healthy", phase);
        });
        await("the outage load is submitted").atMost(Duration.ofSeconds(OUTAGE_MESSAGES / (long) RATE + 90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> steady.done() && load.idle());
        assertThat(freezeAt).as("the hosted zones were frozen").isPositive();

        List<Submitted> outage = phase("outage");
        List<Submitted> beforeFreeze = phase("before-freeze");
        List<Submitted> healthy = filter(concat(beforeFreeze, outage), s -> s.group().equals("healthy"));
        // The invariants are checked together, so that a failure reports all of them with the figures.
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(refused(concat(beforeFreeze, outage))).as("ingress replies other than 2xx during the outage")
                .isEmpty();
        try {
            await("healthy mail submitted during the outage reaches the MX while the hosted zones are still dead")
                    .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> mx.missing(keys(healthy)).isEmpty());
        } catch (ConditionTimeoutException timeout) {
            List<RecordingMx.Key> missing = mx.missing(keys(healthy));
            softly.fail("%d of %d healthy messages of the outage not delivered while the hosted zones were dead "
                    + "(first: %s)", missing.size(), healthy.size(), missing.subList(0, Math.min(3, missing.size())));
        }
        sampler.sampleNow();
        List<Submitted> hostedAfterFreeze = filter(outage, s -> s.group().equals("hosted"));
        List<RecordingMx.Key> waiting = mx.missing(keys(hostedAfterFreeze));
        String figures = sampler.report("outage");
        report(line("outage", concat(beforeFreeze, outage), waiting.size()));
        report(figures + "; " + deliveryCounters());
        report(deferrals.report("outage"));

        softly.assertThat(hostedQueries()).as("the DNS service asked the resolvers about the dead zones")
                .isGreaterThan(hostedQueriesBefore);
        softly.assertThat(waiting).as("fresh hosted names cannot be resolved while their zones are dead")
                .isNotEmpty();
        for (TestDnsServer resolver : List.of(resolver1, resolver2)) {
            softly.assertThat(resolver.droppedNoSlot())
                    .as("queries the modelled resolver %s dropped for lack of a slot (%s)", resolver.hostPort(), figures)
                    .isZero();
            softly.assertThat(resolver.maxSlotsUsed())
                    .as("peak slots of the modelled resolver %s (%s)", resolver.hostPort(), figures)
                    .isLessThan(resolver.slotLimit());
        }
        softly.assertAll();
    }

    @Test
    @Order(3)
    void afterTheOutageEveryAcceptedMessageIsDeliveredOnce() {
        sampler.phase("recovery");
        deferrals.phase("recovery");
        if (freezeAt > 0) {
            thaw();
        }
        List<Submitted> accepted = filter(load.submitted(), Submitted::accepted);
        await("every accepted message reaches the MX after the thaw, without operator action")
                .atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(mx.missing(keys(accepted))).isEmpty());
        long lastArrival = accepted.stream().mapToLong(s -> mx.firstReceivedAt(s.key())).max().orElse(thawAt);
        report(String.format(Locale.ROOT,
                "recovery: %d accepted, all received; last arrival %.1f s after the thaw; %d duplicates",
                accepted.size(), (lastArrival - thawAt) / 1000.0, mx.duplicates()));
        sampler.sampleNow();
        report(sampler.report("recovery") + "; " + deliveryCounters());
        report(deferrals.report("recovery"));
        report(line("whole run", load.submitted(), 0));

        int bound = Math.max(3, accepted.size() / 100);
        assertThat(mx.duplicates()).as("duplicate receipts (at most %d): %s", bound, mx.duplicated())
                .isLessThanOrEqualTo(bound);
    }

    /** The delivery service's counters of recipients by outcome and of routes it could not resolve (cumulative). */
    private static String deliveryCounters() {
        try {
            String metrics = stack.services.get("delivery-service").get("/q/metrics").body();
            return "delivery_recipients_total " + DnsSampler.byLabel(metrics, "delivery_recipients_total", "outcome")
                    + ", delivery_routing_temporary_failures_total "
                    + DnsSampler.parse(metrics).getOrDefault("delivery_routing_temporary_failures_total", 0.0).longValue();
        } catch (IOException e) {
            return "delivery metrics unavailable: " + e;
        }
    }

    // ---- the outage ----

    private static void freeze() {
        for (String zone : hostedZones()) {
            resolver1.zone(zone).mode(TestDnsServer.Mode.DEAD);
            resolver2.zone(zone).mode(TestDnsServer.Mode.DEAD);
        }
        freezeAt = System.currentTimeMillis();
        sampler.mark(freezeAt);
    }

    private static void thaw() {
        thawAt = System.currentTimeMillis();
        for (String zone : hostedZones()) {
            resolver1.zone(zone).mode(TestDnsServer.Mode.ANSWER);
            resolver2.zone(zone).mode(TestDnsServer.Mode.ANSWER);
        }
    }

    private static int hostedQueries() {
        int queries = 0;
        for (String zone : hostedZones()) {
            queries += resolver1.zone(zone).queries() + resolver2.zone(zone).queries();
        }
        return queries;
    }

    // ---- provisioning, the way a client does it ----

    private static void provisionTheSender() throws Exception {
        String tenantId = OperatorApi.id(api().post("/api/v1/tenants", "{\"name\":\"Outage IT\"}"));
        api().post("/api/v1/domains", """
                {"tenantId":"%s","name":"%s","inboundEnabled":false,"outboundAllowed":true}"""
                .formatted(tenantId, SENDER_DOMAIN));
        api().post("/api/v1/smtp-users", """
                {"tenantId":"%s","username":"%s","password":"%s"}""".formatted(tenantId, USER, PASSWORD));
        // provisioning reaches the ingress through Kafka: wait until the user may send (nothing is queued)
        await("the submission user may send").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(() -> {
                    try (SubmissionSession session = SubmissionSession.open(submissionPort, USER, PASSWORD)) {
                        return session.probe(USER, "probe@" + healthy(1)).positive();
                    }
                });
    }

    // ---- bookkeeping ----

    private static List<Submitted> phase(String phase) {
        return filter(load.submitted(), s -> s.phase().equals(phase));
    }

    private static List<Submitted> filter(List<Submitted> submitted, Predicate<Submitted> predicate) {
        return submitted.stream().filter(predicate).toList();
    }

    private static List<Submitted> concat(List<Submitted> a, List<Submitted> b) {
        List<Submitted> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<String> refused(List<Submitted> submitted) {
        return submitted.stream().filter(s -> !s.accepted())
                .map(s -> s.recipient() + ": " + s.code() + " " + s.text()).toList();
    }

    private static List<RecordingMx.Key> keys(List<Submitted> submitted) {
        return submitted.stream().filter(Submitted::accepted).map(Submitted::key).toList();
    }

    private static String line(String phase, List<Submitted> sent, int waiting) {
        Map<String, Long> byGroup = sent.stream().collect(Collectors.groupingBy(Submitted::group, Collectors.counting()));
        long accepted = sent.stream().filter(Submitted::accepted).count();
        long received = sent.stream().filter(s -> s.accepted() && mx.received(s.key())).count();
        return String.format(Locale.ROOT,
                "%s: sent %d %s, accepted %d, refused %d, received %d, hosted waiting %d; end to end ms %s",
                phase, sent.size(), new TreeMap<>(byGroup), accepted, sent.size() - accepted, received, waiting,
                latencies(sent));
    }

    /** Accept → first receipt at the MX, per group: p50/p99/max of those received so far. */
    private static String latencies(List<Submitted> sent) {
        Map<String, List<Long>> byGroup = new TreeMap<>();
        for (Submitted s : sent) {
            long at = s.accepted() ? mx.firstReceivedAt(s.key()) : -1;
            if (at >= 0) {
                boolean fresh = s.recipient().substring(s.recipient().indexOf('@')).chars().filter(c -> c == '.').count() > 1;
                byGroup.computeIfAbsent(s.group() + (fresh ? "-fresh" : ""), g -> new ArrayList<>()).add(at - s.submittedAt());
            }
        }
        StringBuilder text = new StringBuilder();
        byGroup.forEach((group, millis) -> {
            Collections.sort(millis);
            text.append(text.length() == 0 ? "" : ", ").append(group).append(' ')
                    .append(percentile(millis, 0.5)).append('/').append(percentile(millis, 0.99)).append('/')
                    .append(millis.get(millis.size() - 1));
        });
        return text.append(" (p50/p99/max)").toString();
    }

    private static long percentile(List<Long> sorted, double q) {
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
    }

    private static OperatorApi api() {
        return new OperatorApi(stack.services.get("provisioning-api"), OPERATOR_KEY);
    }
}
