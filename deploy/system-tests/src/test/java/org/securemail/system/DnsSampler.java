package org.securemail.system;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.securemail.testing.ServiceProcess;
import org.securemail.testing.dns.TestDnsServer;

/**
 * Samples, once a second, the modelled resolvers' slots in use and the DNS service's in-flight gauges
 * ({@code /q/metrics}), and keeps the peak of each per phase, for the test log.
 */
final class DnsSampler implements AutoCloseable {

    private static final String[] GAUGES = {"dns_inflight", "dns_upstream_inflight", "dns_slow_budget_used",
        "dns_wait_queue", "dns_upstream_srtt_ms"};

    private final ServiceProcess dns;
    private final TestDnsServer resolver1;
    private final TestDnsServer resolver2;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dns-sampler");
        t.setDaemon(true);
        return t;
    });
    /** phase → name → peak. */
    private final Map<String, Map<String, Double>> peaks = new ConcurrentHashMap<>();
    private volatile String phase = "start";
    private volatile Map<String, Double> last = Map.of();
    private volatile String lastText = "";
    private volatile long reference;
    private volatile long firstFull1;
    private volatile long firstFull2;

    DnsSampler(ServiceProcess dns, TestDnsServer resolver1, TestDnsServer resolver2) {
        this.dns = dns;
        this.resolver1 = resolver1;
        this.resolver2 = resolver2;
        timer.scheduleAtFixedRate(this::sampleNow, 0, 1, TimeUnit.SECONDS);
    }

    /** The time (epoch millis) the report gives the first sample of a full resolver relative to. */
    void mark(long reference) {
        this.reference = reference;
    }

    void phase(String phase) {
        this.phase = phase;
    }

    synchronized void sampleNow() {
        Map<String, Double> values = new TreeMap<>();
        values.put("resolver1_slots", (double) resolver1.slotsUsed());
        values.put("resolver2_slots", (double) resolver2.slotsUsed());
        long now = System.currentTimeMillis();
        if (firstFull1 == 0 && resolver1.droppedNoSlot() > 0) {
            firstFull1 = now;
        }
        if (firstFull2 == 0 && resolver2.droppedNoSlot() > 0) {
            firstFull2 = now;
        }
        try {
            var response = dns.get("/q/metrics");
            if (response.statusCode() == 200) {
                Map<String, Double> metrics = parse(response.body());
                for (String gauge : GAUGES) {
                    Double value = metrics.get(gauge);
                    if (value != null) {
                        values.put(gauge, value);
                    }
                }
                last = metrics;
                lastText = response.body();
            }
        } catch (IOException | RuntimeException e) {
            // a missed sample only makes the peak less precise
        }
        Map<String, Double> phasePeaks = peaks.computeIfAbsent(phase, p -> new ConcurrentHashMap<>());
        values.forEach((name, value) -> phasePeaks.merge(name, value, Math::max));
    }

    /**
     * Per metric name (labels dropped): the maximum over its series for gauges, the sum for counters
     * ({@code _total}).
     */
    static Map<String, Double> parse(String prometheus) {
        Map<String, Double> values = new TreeMap<>();
        for (String line : prometheus.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (space <= 0) {
                continue;
            }
            String name = line.substring(0, brace > 0 && brace < space ? brace : line.indexOf(' '));
            double value;
            try {
                value = Double.parseDouble(line.substring(space + 1).trim());
            } catch (NumberFormatException e) {
                continue;
            }
            values.merge(name, value, name.endsWith("_total") ? Double::sum : Math::max);
        }
        return values;
    }

    /** The series of {@code name} by the value of {@code label} (e.g. {@code cap=slow-budget}), summed. */
    static Map<String, Long> byLabel(String prometheus, String name, String label) {
        Map<String, Long> values = new TreeMap<>();
        String marker = label + "=\"";
        for (String line : prometheus.split("\n")) {
            if (!line.startsWith(name + "{")) {
                continue;
            }
            int at = line.indexOf(marker);
            int space = line.lastIndexOf(' ');
            if (at < 0 || space < 0) {
                continue;
            }
            String value = line.substring(at + marker.length(), line.indexOf('"', at + marker.length()));
            try {
                values.merge(value, (long) Double.parseDouble(line.substring(space + 1).trim()), Long::sum);
            } catch (NumberFormatException e) {
                // not a sample line
            }
        }
        return values;
    }

    /** One line for the test log: the phase's peaks, the resolvers' own counters and the DNS service's. */
    String report(String phase) {
        Map<String, Double> phasePeaks = new TreeMap<>(peaks.getOrDefault(phase, Map.of()));
        Map<String, Double> metrics = last;
        StringBuilder line = new StringBuilder(phase).append(" peaks:");
        phasePeaks.forEach((name, value) -> line.append(' ').append(name).append('=').append(value.intValue()));
        line.append(String.format(Locale.ROOT, "; resolver1 max %d/%d dropped %d, resolver2 max %d/%d dropped %d",
                resolver1.maxSlotsUsed(), resolver1.slotLimit(), resolver1.droppedNoSlot(),
                resolver2.maxSlotsUsed(), resolver2.slotLimit(), resolver2.droppedNoSlot()));
        for (long full : new long[] {firstFull1, firstFull2}) {
            if (full > 0 && reference > 0) {
                line.append(String.format(Locale.ROOT, "; a resolver was first seen dropping %.1f s after the freeze",
                        (full - reference) / 1000.0));
            }
        }
        String text = lastText;
        line.append("; dns_queries_shed_total ").append(byLabel(text, "dns_queries_shed_total", "cap"));
        line.append("; dns_answers_total ").append(byLabel(text, "dns_answers_total", "status"));
        line.append("; dns_upstream_late_answers_total ").append(byLabel(text, "dns_upstream_late_answers_total", "rcode"));
        for (String counter : new String[] {"dns_inflight_cap", "dns_upstream_timeouts_total",
            "dns_cache_failure_hits_total", "dns_cache_stale_served_total"}) {
            Double value = metrics.get(counter);
            if (value != null) {
                line.append("; ").append(counter).append('=').append(value.longValue());
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
