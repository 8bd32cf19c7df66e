package org.securemail.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real rspamd for tests: the Debian package (installed if missing, see {@link DebianPackages}), started with the
 * package's own {@code /etc/rspamd/rspamd.conf} but every directory it writes to ({@code LOCAL_CONFDIR},
 * {@code DBDIR}, {@code RUNDIR}, {@code LOGDIR}) moved to a temp dir, and overrides written there:
 * <ul>
 * <li>the normal worker and the controller on free loopback ports, the proxy off, the fuzzy storage off (as
 * packaged); one process each;</li>
 * <li>logging to {@code rspamd.log} in the temp dir, the pid file there too; no redis is configured, so the modules
 * that need it (bayes, greylist, ratelimit, neural, history...) stay off;</li>
 * <li>the GTUBE-like test patterns enabled ({@code enable_test_patterns}, rspamd before 3.8) so that tests can
 * provoke REJECT, ADD_HEADER and REWRITE_SUBJECT;</li>
 * <li>DNS: by default the modules that look things up ({@link #DNS_MODULES}) are off and rspamd's resolver points at
 * a loopback port nobody answers on, with a short timeout, so nothing leaves the machine (the core's own reverse
 * lookup of the client fails fast: RDNS_NONE, RDNS_DNSFAIL); with {@link Builder#nameserver} they stay on and ask
 * that server;</li>
 * <li>the hyperscan cache in a directory shared between runs ({@code java.io.tmpdir/securemail-rspamd-hs}): the first
 * start compiles rspamd's regular expressions and TLD list (half a minute), the later ones take seconds.</li>
 * </ul>
 * Start it once per test class: {@code Rspamd.builder().start()} ... {@code close()}.
 */
public final class Rspamd implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/bin/rspamd");
    public static final Path PACKAGED_CONFIG = Path.of("/etc/rspamd/rspamd.conf");

    /** Modules switched off when no nameserver is given: each asks DNS (or a remote map or service) per message. */
    public static final List<String> DNS_MODULES = List.of("rbl", "surbl", "emails", "spf", "dkim", "dmarc", "arc",
            "asn", "phishing", "fuzzy_check", "rspamd_update", "hfilter", "reputation", "mx_check", "dcc",
            "external_services", "bimi", "url_redirector");

    /** rspamd's reject test pattern (its GTUBE), in the body of a text part. */
    public static final String GTUBE_REJECT = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
    /** The add header variant (enabled by this fixture; off in a packaged rspamd). */
    public static final String GTUBE_ADD_HEADER = "YJS" + GTUBE_REJECT.substring(3);
    /** The rewrite subject variant (enabled by this fixture; off in a packaged rspamd). */
    public static final String GTUBE_REWRITE_SUBJECT = "ZJS" + GTUBE_REJECT.substring(3);

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final Path directory;
    private final int normalPort;
    private final int controllerPort;
    private final Process process;

    private Rspamd(Path directory, int normalPort, int controllerPort, Process process) {
        this.directory = directory;
        this.normalPort = normalPort;
        this.controllerPort = controllerPort;
        this.process = process;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What to start. */
    public static final class Builder {
        private String nameserver;
        private Duration startTimeout = Duration.ofMinutes(3);

        private Builder() {
        }

        /** rspamd asks this DNS server ({@code host:port}, e.g. the DNS service's listener); DNS modules stay on. */
        public Builder nameserver(String hostPort) {
            this.nameserver = hostPort;
            return this;
        }

        /** How long to wait for {@code /ping}; the first start on a machine compiles for half a minute or more. */
        public Builder startTimeout(Duration value) {
            this.startTimeout = value;
            return this;
        }

        public Rspamd start() {
            DebianPackages.ensureInstalled("rspamd", BINARY);
            try {
                Path dir = Files.createTempDirectory("rspamd");
                int normal = FreePorts.next();
                int controller = FreePorts.next();
                writeConfig(dir, normal, controller);
                Process process = new ProcessBuilder(command(dir))
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("stdout.log").toFile())
                        .start();
                Rspamd rspamd = new Rspamd(dir, normal, controller, process);
                Runtime.getRuntime().addShutdownHook(new Thread(rspamd::kill, "rspamd-reaper"));
                rspamd.awaitPong(startTimeout);
                return rspamd;
            } catch (IOException e) {
                throw new UncheckedIOException("could not start rspamd", e);
            }
        }

        private List<String> command(Path dir) {
            List<String> command = new ArrayList<>(List.of(BINARY.toString(), "-f", "-c", PACKAGED_CONFIG.toString(),
                    "-p", dir.resolve("rspamd.pid").toString()));
            if ("root".equals(System.getProperty("user.name"))) {
                command.addAll(List.of("-u", "root", "-g", "root"));
            }
            for (String var : List.of("LOCAL_CONFDIR", "DBDIR", "RUNDIR", "LOGDIR")) {
                command.add("--var=" + var + "=" + dir);
            }
            return command;
        }

        private void writeConfig(Path dir, int normal, int controller) throws IOException {
            Path local = Files.createDirectories(dir.resolve("local.d"));
            Path override = Files.createDirectories(dir.resolve("override.d"));
            Path cache = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "securemail-rspamd-hs"));
            String dns = nameserver != null
                    ? "dns { nameserver = [\"" + nameserver + "\"]; timeout = 1s; retransmits = 2; }\n"
                    : "dns { nameserver = [\"127.0.0.1:" + FreePorts.next()
                            + "\"]; timeout = 100ms; retransmits = 1; }\n";
            write(local.resolve("options.inc"), "enable_test_patterns = true;\n"
                    + "hs_cache_dir = \"" + cache + "\";\n" + dns);
            write(override.resolve("worker-normal.inc"), "bind_socket = \"127.0.0.1:" + normal + "\";\ncount = 1;\n");
            write(override.resolve("worker-controller.inc"),
                    "bind_socket = \"127.0.0.1:" + controller + "\";\ncount = 1;\n");
            write(override.resolve("worker-proxy.inc"), "enabled = false;\n");
            write(override.resolve("logging.inc"), "type = \"file\";\nfilename = \"" + dir.resolve("rspamd.log")
                    + "\";\nlevel = \"info\";\n");
            if (nameserver == null) {
                for (String module : DNS_MODULES) {
                    write(override.resolve(module + ".conf"), "enabled = false;\n");
                }
            }
        }

        private static void write(Path file, String text) throws IOException {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        }
    }

    private void awaitPong(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("rspamd exited with " + process.exitValue() + ": " + logTail());
            }
            if ("pong".equals(ping())) {
                return;
            }
            try {
                // polling interval of a readiness probe, not a synchronisation sleep
                process.waitFor(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                throw new IllegalStateException("interrupted while waiting for rspamd", e);
            }
        }
        kill();
        throw new IllegalStateException("rspamd did not answer /ping within " + timeout + ": " + logTail());
    }

    /** The body of {@code GET /ping} on the normal worker, stripped, or {@code null} when it does not answer. */
    public String ping() {
        try {
            HttpRequest request = HttpRequest.newBuilder(normalUri().resolve("/ping"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body().strip() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The normal worker (scanning: {@code /checkv2}), e.g. {@code http://127.0.0.1:41234}. */
    public URI normalUri() {
        return URI.create("http://127.0.0.1:" + normalPort);
    }

    /** The controller (web UI, stats, learning). */
    public URI controllerUri() {
        return URI.create("http://127.0.0.1:" + controllerPort);
    }

    public Path directory() {
        return directory;
    }

    public Path log() {
        return directory.resolve("rspamd.log");
    }

    public boolean alive() {
        return process.isAlive();
    }

    private String logTail() {
        StringBuilder tail = new StringBuilder();
        for (Path file : List.of(directory.resolve("stdout.log"), log())) {
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                tail.append("\n--- ").append(file).append('\n')
                        .append(text.length() <= 3000 ? text : text.substring(text.length() - 3000));
            } catch (IOException e) {
                tail.append("\n--- ").append(file).append(": ").append(e.getMessage());
            }
        }
        return tail.toString();
    }

    /** SIGTERM to the main process (which stops its workers), SIGKILL to all of them after 15 s; deletes the dir. */
    @Override
    public void close() {
        if (process.isAlive()) {
            List<ProcessHandle> workers = process.descendants().toList();
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
            workers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
        deleteDirectory();
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private void deleteDirectory() {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temp dir is not worth failing a test for
        }
    }
}
