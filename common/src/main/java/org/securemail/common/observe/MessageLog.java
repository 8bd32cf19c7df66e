package org.securemail.common.observe;

import java.util.logging.Level;

import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Logger;

/**
 * Log lines about one message: each line carries the message's queue id in its MDC as {@value #QUEUE_ID}, so JSON
 * logs ({@code SECUREMAIL_LOG_JSON=true}) have it as the field {@code mdc.queue_id} in every service, and an operator
 * finds a message's lines across the services by that one value (docs/monitoring.md). The text of each line starts
 * with the queue id as well (Postfix style), so a plain {@code grep} finds the same lines in text and JSON logs.
 *
 * <p>The id is set on the log record itself (its copy of the MDC, with whatever the thread's MDC holds, e.g. the trace
 * id), never in the thread's or context's MDC. A message's work hops between threads and Vert.x contexts (a
 * consumer's duplicated context, a destination's or a session's event loop, the Kafka producer's I/O thread, timers):
 * Quarkus's MDC follows a duplicated context but not those hops, and on a root event-loop context a value put into it
 * is not there for the next read (each access gets a new duplicated context), while on a plain thread a value left
 * behind would be printed with the next message's lines. Nothing is done when the level is off.
 */
public final class MessageLog {

    /** The MDC key of the queue id; in JSON logs the field {@code mdc.queue_id}. */
    public static final String QUEUE_ID = "queue_id";

    private static final String FQCN = MessageLog.class.getName();

    private final Logger log;

    private MessageLog(String category) {
        this.log = Logger.getLogger(category);
    }

    public static MessageLog of(String category) {
        return new MessageLog(category);
    }

    public static MessageLog of(Class<?> category) {
        return new MessageLog(category.getName());
    }

    public boolean isEnabled(Level level) {
        return log.isLoggable(level);
    }

    public boolean isDebugEnabled() {
        return log.isLoggable(org.jboss.logmanager.Level.DEBUG);
    }

    public void info(String queueId, String format, Object... params) {
        log(org.jboss.logmanager.Level.INFO, queueId, null, format, params);
    }

    public void warn(String queueId, String format, Object... params) {
        log(org.jboss.logmanager.Level.WARN, queueId, null, format, params);
    }

    public void warn(String queueId, Throwable t, String format, Object... params) {
        log(org.jboss.logmanager.Level.WARN, queueId, t, format, params);
    }

    public void error(String queueId, Throwable t, String format, Object... params) {
        log(org.jboss.logmanager.Level.ERROR, queueId, t, format, params);
    }

    /** DEBUG with one parameter: no array when DEBUG is off (hot paths call this for every message). */
    public void debug(String queueId, String format, Object param) {
        if (isDebugEnabled()) {
            log(org.jboss.logmanager.Level.DEBUG, queueId, null, format, new Object[] {param});
        }
    }

    public void debug(String queueId, String format, Object... params) {
        log(org.jboss.logmanager.Level.DEBUG, queueId, null, format, params);
    }

    /**
     * One line at {@code level}, {@code format} in {@link String#format} style, with {@code queueId} in its MDC (none
     * when it is null, e.g. before a transaction has an id).
     */
    public void log(Level level, String queueId, Throwable t, String format, Object... params) {
        if (!log.isLoggable(level)) {
            return;
        }
        ExtLogRecord record = new ExtLogRecord(level, format, ExtLogRecord.FormatStyle.PRINTF, FQCN);
        record.setParameters(params);
        record.setThrown(t);
        record.copyMdc();
        if (queueId != null) {
            record.putMdc(QUEUE_ID, queueId);
        }
        log.logRaw(record);
    }
}
