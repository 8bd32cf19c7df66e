package org.securemail.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs a Debian package a test needs (a real rspamd, say) when its binary is missing, but only when the test
 * runs as root on a machine with {@code apt-get}; otherwise it fails with a message that says what to install.
 * Never a silent skip: a test that needs a real server and does not get one fails.
 */
public final class DebianPackages {

    private static final Object LOCK = new Object();
    private static final long APT_TIMEOUT_MINUTES = 10;

    private DebianPackages() {
    }

    /**
     * Makes sure {@code binary} exists, installing {@code pkg} with {@code apt-get install -y --no-install-recommends}
     * if it does not (after an {@code apt-get update} when the first attempt fails).
     *
     * @throws IllegalStateException when it is missing and cannot be installed here, saying why and what to do
     */
    public static void ensureInstalled(String pkg, Path binary) {
        synchronized (LOCK) {
            if (Files.isExecutable(binary)) {
                return;
            }
            String uid = run(List.of("id", "-u")).output().strip();
            if (!"0".equals(uid)) {
                throw new IllegalStateException(binary + " is missing and this test runs as uid " + uid
                        + ", not root, so it cannot install it: run `sudo apt-get install -y " + pkg
                        + "` (Debian/Ubuntu) and rerun the test");
            }
            if (!Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
                throw new IllegalStateException(binary + " is missing and there is no apt-get here: install the "
                        + pkg + " package by hand and rerun the test");
            }
            Result install = install(pkg);
            if (install.exit() != 0) {
                run(List.of("apt-get", "update", "-q"));
                install = install(pkg);
            }
            if (install.exit() != 0 || !Files.isExecutable(binary)) {
                throw new IllegalStateException("`apt-get install -y " + pkg + "` failed (exit " + install.exit()
                        + "); install it by hand. Last output:\n" + tail(install.output()));
            }
        }
    }

    private static Result install(String pkg) {
        return run(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends", pkg));
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command) {
        try {
            Path out = Files.createTempFile("apt", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile());
                builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
                Process process = builder.start();
                if (!process.waitFor(APT_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    return new Result(-1, String.join(" ", command) + " took longer than " + APT_TIMEOUT_MINUTES
                            + " min");
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return new Result(-1, String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    private static String tail(String text) {
        return text.length() <= 2000 ? text : text.substring(text.length() - 2000);
    }
}
