package org.securemail.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/**
 * The log records of one category (and its children) while it is open, with their formatted message and the MDC as
 * it was when the line was written: what a test asserts a log line says. Needs the JBoss log manager, which the
 * build's surefire configuration sets ({@code java.util.logging.manager}) and every Quarkus test runs with.
 */
public final class LogCapture implements AutoCloseable {

    /** One captured line. */
    public record Line(String category, Level level, String message, Map<String, String> mdc, String thread) {

        public String mdc(String key) {
            return mdc.get(key);
        }
    }

    private final Logger logger;
    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            // the MDC is read here, on the thread that wrote the line, while the writer's values are in place
            ExtLogRecord ext = ExtLogRecord.wrap(record);
            lines.add(new Line(ext.getLoggerName(), ext.getLevel(), ext.getFormattedMessage(),
                    Map.copyOf(ext.getMdcCopy()), ext.getThreadName()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(String category) {
        this.logger = Logger.getLogger(category);
        logger.addHandler(handler);
    }

    /** Starts capturing {@code category}'s records; they still reach the usual handlers too. */
    public static LogCapture of(String category) {
        return new LogCapture(category);
    }

    /** Every line so far. */
    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The lines whose MDC has {@code key} = {@code value}. */
    public List<Line> withMdc(String key, String value) {
        return lines.stream().filter(l -> value.equals(l.mdc().get(key))).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
