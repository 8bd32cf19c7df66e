package org.securemail.ingest.inspect.content;

/** Why a message was not scanned; {@link #NONE} when it was. */
public enum ScanProblem {
    /** Scanned: the verdict is the scanner's. */
    NONE,
    /** Larger than the configured bound: not sent at all ({@link ScanVerdict.Action#SKIPPED}). */
    MESSAGE_TOO_LARGE,
    /** As many scans in flight as allowed: refused at once, not queued. */
    BUSY,
    /** No complete reply within the timeout. */
    TIMEOUT,
    /** The scanner could not be reached (connection refused, reset, no route). */
    UNREACHABLE,
    /** The scanner answered with an HTTP status other than 200. */
    HTTP_ERROR,
    /** The reply was not the JSON the protocol describes (unparseable, missing fields, unknown action). */
    BAD_REPLY,
    /** The reply was larger than the configured bound. */
    REPLY_TOO_LARGE
}
