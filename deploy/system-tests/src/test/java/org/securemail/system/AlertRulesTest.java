package org.securemail.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.securemail.testing.DebianPackages;

/**
 * Issue 16 item 7: the Grafana dashboard and the Prometheus rules of {@code deploy/monitoring} are checked like code.
 * {@code promtool} (Debian's {@code prometheus} package, installed when missing; the test fails when it cannot be)
 * checks the rules and runs their unit tests; every metric the dashboard and the rules read is one the services
 * register (its Micrometer name is in a {@code src/main/java} source) or one of {@link #EXTERNAL} names; every
 * dashboard query is valid PromQL; every alert has a severity, a runbook section and a firing and a quiet test.
 */
class AlertRulesTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Path RULES = ROOT.resolve("deploy/monitoring/prometheus/securemail-alerts.yml");
    private static final Path RULE_TESTS = ROOT.resolve("deploy/monitoring/prometheus/securemail-alerts.test.yml");
    private static final Path DASHBOARD = ROOT.resolve("deploy/monitoring/grafana/securemail.json");
    private static final Path DOC = ROOT.resolve("docs/monitoring.md");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    /**
     * Metrics that no source of this repository names, with where they come from. Micrometer's Kafka client binder
     * (quarkus-micrometer, on by default) exports each Kafka consumer's {@code records-lag} per partition.
     */
    private static final Map<String, String> EXTERNAL = Map.of(
            "kafka_consumer_fetch_manager_records_lag",
            "the Kafka consumer's records-lag of each partition, via Micrometer's KafkaClientMetrics");

    /** Suffixes Micrometer's Prometheus naming adds to a meter's name (counters, timers, base units). */
    private static final List<String> SUFFIXES = List.of("_total", "_seconds_count", "_seconds_sum", "_seconds_max",
            "_seconds_bucket", "_seconds", "_bytes");

    private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan", "atan2");

    /** Top-level directories that hold no service: their sources register no meter the services export. */
    private static final Set<String> NOT_SERVICES = Set.of("deploy", "docs");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @BeforeAll
    static void promtool() {
        DebianPackages.ensureInstalled("prometheus", PROMTOOL);
    }

    @Test
    void promtoolAcceptsTheRules() {
        Run check = promtool("check", "rules", RULES.toString());
        assertThat(check.exit()).as("promtool check rules:\n" + check.output()).isZero();
    }

    @Test
    void everyAlertFiresAndStaysQuietInPromtoolsUnitTests() {
        Run test = promtool("test", "rules", RULE_TESTS.toString());
        assertThat(test.exit()).as("promtool test rules:\n" + test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertHasAFiringAndAQuietTestCase() throws IOException {
        Map<String, Integer> firing = new LinkedHashMap<>();
        Map<String, Integer> quiet = new LinkedHashMap<>();
        for (JsonNode group : YAML.readTree(RULE_TESTS.toFile()).path("tests")) {
            for (JsonNode test : group.path("alert_rule_test")) {
                String name = test.path("alertname").asText();
                (test.path("exp_alerts").isEmpty() ? quiet : firing).merge(name, 1, Integer::sum);
            }
        }
        for (String alert : alerts().keySet()) {
            assertThat(firing).as("a test case where " + alert + " fires").containsKey(alert);
            assertThat(quiet).as("a test case where " + alert + " does not fire").containsKey(alert);
        }
    }

    @Test
    void everyAlertSaysHowBadItIsAndWhereItsRunbookIs() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        Set<String> anchors = anchors(doc);
        for (Map.Entry<String, JsonNode> alert : alerts().entrySet()) {
            JsonNode rule = alert.getValue();
            String name = alert.getKey();
            assertThat(rule.path("for").asText()).as(name + " for:").isNotEmpty();
            assertThat(rule.path("labels").path("severity").asText()).as(name + " severity")
                    .isIn("warning", "critical");
            assertThat(rule.path("annotations").path("summary").asText()).as(name + " summary").isNotBlank();
            assertThat(rule.path("annotations").path("description").asText()).as(name + " description").isNotBlank();
            assertThat(rule.path("annotations").path("runbook_url").asText()).as(name + " runbook_url")
                    .isEqualTo("docs/monitoring.md#" + name.toLowerCase(Locale.ROOT));
            assertThat(anchors).as("a section `### " + name + "` in docs/monitoring.md")
                    .contains(name.toLowerCase(Locale.ROOT));
        }
    }

    @Test
    void theDashboardIsGrafanaJsonWithTheFiveRowsOnOneDataSource() throws IOException {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        assertThat(dashboard.path("schemaVersion").asInt()).isBetween(36, 41);
        assertThat(dashboard.path("uid").asText()).isNotBlank();
        JsonNode variables = dashboard.path("templating").path("list");
        assertThat(variables.findValuesAsText("name")).contains("DS_PROMETHEUS");
        List<String> rows = new ArrayList<>();
        Set<Integer> ids = new LinkedHashSet<>();
        for (JsonNode panel : panels(dashboard)) {
            assertThat(ids.add(panel.path("id").asInt())).as("panel id " + panel.path("id") + " used once").isTrue();
            if (panel.path("type").asText().equals("row")) {
                rows.add(panel.path("title").asText());
                continue;
            }
            assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText())
                    .isEqualTo("${DS_PROMETHEUS}");
            assertThat(panel.path("targets").size()).as(panel.path("title").asText()).isPositive();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${DS_PROMETHEUS}");
                assertThat(target.path("expr").asText()).isNotBlank();
            }
        }
        assertThat(rows).containsExactly("DNS service", "Queues", "Inspection stage", "Delivery", "Ingest");
    }

    @Test
    void everyPanelIsDescribedInTheMonitoringPage() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        for (JsonNode panel : panels(JSON.readTree(DASHBOARD.toFile()))) {
            String title = panel.path("title").asText();
            String line = panel.path("type").asText().equals("row") ? "### Row \"" + title + "\"" : "| " + title + " |";
            assertThat(doc).as("docs/monitoring.md describes the panel " + title).contains(line);
        }
    }

    @Test
    void everyDashboardQueryIsValidPromql(@TempDir Path dir) throws IOException {
        // promtool parses rule expressions: each query becomes a recording rule, Grafana's variables replaced
        List<Map<String, String>> rules = new ArrayList<>();
        for (Map.Entry<String, String> query : dashboardQueries().entrySet()) {
            rules.add(Map.of("record", query.getKey(), "expr", withoutGrafanaVariables(query.getValue())));
        }
        Path file = dir.resolve("dashboard-queries.yml");
        YAML.writeValue(file.toFile(), Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules))));
        Run check = promtool("check", "rules", file.toString());
        assertThat(check.exit()).as("promtool check rules on the dashboard's queries:\n" + check.output()).isZero();
    }

    @Test
    void everyMetricReadIsOneTheServicesExport() throws IOException {
        Set<String> registered = micrometerNames();
        Set<String> recorded = new TreeSet<>();
        Map<String, String> used = new LinkedHashMap<>();
        for (JsonNode group : YAML.readTree(RULES.toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("record")) {
                    recorded.add(rule.path("record").asText());
                }
                String where = "rule " + rule.path(rule.has("record") ? "record" : "alert").asText();
                metricNames(rule.path("expr").asText()).forEach(m -> used.putIfAbsent(m, where));
            }
        }
        dashboardQueries().forEach((where, expr) -> metricNames(withoutGrafanaVariables(expr))
                .forEach(m -> used.putIfAbsent(m, "dashboard " + where)));
        assertThat(used).as("metric names found").containsKeys("dns_upstream_up", "delivery_recipients_total",
                "smtp_accept_latency_seconds_bucket", "kafka_consumer_fetch_manager_records_lag");
        List<String> unknown = new ArrayList<>();
        used.forEach((metric, where) -> {
            boolean known = recorded.contains(metric) || EXTERNAL.containsKey(metric)
                    || micrometerName(metric, registered) != null;
            if (!known) {
                unknown.add(metric + " (" + where + ")");
            }
        });
        assertThat(unknown).as("metrics that no src/main/java registers (Micrometer name searched: the Prometheus"
                + " name without its suffix, '_' read as '.') and that are not in EXTERNAL").isEmpty();
    }

    @Test
    void theMetricNameCheckCatchesANameNobodyRegisters() throws IOException {
        Set<String> registered = micrometerNames();
        assertThat(micrometerName("dns_upstream_inflight_cap", registered)).isEqualTo("dns.upstream.inflight.cap");
        assertThat(micrometerName("smtp_accept_latency_seconds_bucket", registered)).isEqualTo("smtp.accept.latency");
        assertThat(micrometerName("smtp_buffered_bytes_limit_bytes", registered))
                .isEqualTo("smtp.buffered.bytes.limit");
        assertThat(micrometerName("delivery_oldest_message_age_seconds", registered)).isNull();
        assertThat(metricNames("sum by (client_id, topic) (rate(a_total{x=~\"b|c\"}[5m] offset 1h)) > 2 * "
                + "(max without (upstream) (up_ms) or vector(0)) and on (x) topk(3, z)"))
                .containsExactlyInAnyOrder("a_total", "up_ms", "z");
    }

    // ---------------------------------------------------------------- helpers

    private static Map<String, JsonNode> alerts() throws IOException {
        Map<String, JsonNode> alerts = new LinkedHashMap<>();
        for (JsonNode group : YAML.readTree(RULES.toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    alerts.put(rule.path("alert").asText(), rule);
                }
            }
        }
        assertThat(alerts).isNotEmpty();
        return alerts;
    }

    /** GitHub's anchors of the {@code ###} headings. */
    private static Set<String> anchors(String markdown) {
        Set<String> anchors = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$").matcher(markdown);
        while (m.find()) {
            anchors.add(m.group(1).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
        }
        return anchors;
    }

    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            all.add(panel);
            panel.path("panels").forEach(all::add); // panels of a collapsed row
        }
        return all;
    }

    /** Every PromQL query of the dashboard (panel targets, query variables), keyed by a recording-rule-safe name. */
    private static Map<String, String> dashboardQueries() throws IOException {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                queries.put("dashboard:panel_" + panel.path("id").asInt() + ":" + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        Pattern labelValues = Pattern.compile("label_values\\(\\s*(.+?)\\s*,\\s*\\w+\\s*\\)");
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                Matcher m = labelValues.matcher(variable.path("definition").asText());
                assertThat(m.matches()).as("variable " + variable.path("name") + " is label_values(series, label)")
                        .isTrue();
                queries.put("dashboard:variable:" + variable.path("name").asText(), m.group(1));
            }
        }
        return queries;
    }

    /** Grafana's range variables become a duration, the others a match-all regex (they are used in label regexes). */
    private static String withoutGrafanaVariables(String expr) {
        return expr.replace("$__rate_interval", "5m").replace("$__interval", "1m").replace("$__range", "1h")
                .replaceAll("\\$\\{?\\w+}?", ".*");
    }

    /** The metric names of a PromQL expression: what is left once strings, matchers, ranges and groupings are cut. */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'|`[^`]*`", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![\\w.])([a-zA-Z_:][\\w:]*)(\\s*\\()?").matcher(s);
        while (m.find()) {
            String word = m.group(1);
            if (m.group(2) == null && !PROMQL_WORDS.contains(word.toLowerCase(Locale.ROOT))) {
                names.add(word);
            }
        }
        return names;
    }

    /** The Micrometer name registered for a Prometheus metric name, or null. */
    private static String micrometerName(String metric, Set<String> registered) {
        List<String> bases = new ArrayList<>(List.of(metric));
        for (int i = 0; i < bases.size(); i++) {
            for (String suffix : SUFFIXES) {
                if (bases.get(i).endsWith(suffix)) {
                    bases.add(bases.get(i).substring(0, bases.get(i).length() - suffix.length()));
                }
            }
        }
        return bases.stream().map(b -> b.replace('_', '.')).filter(registered::contains).findFirst().orElse(null);
    }

    /** Every dotted string literal of the services' main sources: the candidates for meter names. */
    private static Set<String> micrometerNames() throws IOException {
        Pattern literal = Pattern.compile("\"([a-z][a-z0-9]*(?:\\.[a-z0-9]+)+)\"");
        Set<String> names = new TreeSet<>();
        List<Path> sources = new ArrayList<>();
        Files.walkFileTree(ROOT, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                boolean skip = !dir.equals(ROOT) && (name.startsWith(".") || name.equals("target")
                        || name.equals("node_modules") || dir.getParent().equals(ROOT) && NOT_SERVICES.contains(name));
                return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String path = file.toString().replace('\\', '/');
                if (path.endsWith(".java") && path.contains("/src/main/java/")) {
                    sources.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        for (Path file : sources) {
            Matcher m = literal.matcher(Files.readString(file, StandardCharsets.UTF_8));
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        assertThat(names).as("meter names in the services' sources").contains("dns.upstream.up", "smtp.rejections");
        return names;
    }

    private record Run(int exit, String output) {
    }

    private static Run promtool(String... args) {
        List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("promtool", ".log");
            try {
                Process process = new ProcessBuilder(command).directory(ROOT.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " took longer than 2 minutes");
                }
                return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
