package org.securemail.ingest.smtp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One mail transaction (RFC 5321 §3.3), from MAIL to the end of the message or RSET: the envelope, the tenant its
 * recipients belong to, the size limits, and the message buffer while the body is being received.
 */
public final class MailTransaction {

    private final long maxSize;
    private final List<String> recipients = new ArrayList<>();
    private String queueId;
    private String sender;
    private String tenantId;
    private long declaredSize;
    private boolean smtputf8;
    private long sizeLimit;
    private MessageBuffer message;
    private boolean bdatUsed;

    public MailTransaction(long maxSize) {
        this.maxSize = maxSize;
        this.sizeLimit = maxSize;
    }

    /** MAIL FROM accepted: the transaction starts. {@code tenantId} is the submitting user's tenant, or null. */
    public void begin(String id, String from, long size, boolean utf8, String tenant) {
        queueId = id;
        sender = from;
        declaredSize = size;
        smtputf8 = utf8;
        tenantId = tenant;
    }

    public String queueId() {
        return queueId;
    }

    /** The queue id for log lines, Postfix style: {@code NOQUEUE} before MAIL. */
    public String logId() {
        return queueId == null ? "NOQUEUE" : queueId;
    }

    /** The MAIL FROM address, or null before MAIL. */
    public String sender() {
        return sender;
    }

    public long declaredSize() {
        return declaredSize;
    }

    public boolean smtputf8() {
        return smtputf8;
    }

    /** RCPT TO accepted: the tenant is now {@code tenant}, and the message must fit {@code limit} too. */
    public void addRecipient(String address, String tenant, long limit) {
        tenantId = tenant;
        sizeLimit = Math.min(sizeLimit, limit);
        if (!recipients.contains(address)) {
            recipients.add(address);
        }
    }

    public List<String> recipients() {
        return Collections.unmodifiableList(recipients);
    }

    /** The tenant of the recipients so far (on submission, the user's from MAIL on), or null. */
    public String tenantId() {
        return tenantId;
    }

    /** The smallest size limit of the platform and of the recipients' domains. */
    public long sizeLimit() {
        return sizeLimit;
    }

    /** The body is being received into {@code buffer}. */
    public void startMessage(MessageBuffer buffer) {
        message = buffer;
    }

    /** The buffer of the message being received, or null. */
    public MessageBuffer message() {
        return message;
    }

    /** Hands the message buffer over (to be released by the new owner); the transaction no longer holds it. */
    public MessageBuffer takeMessage() {
        MessageBuffer held = message;
        message = null;
        return held;
    }

    /** A BDAT chunk joined the message: DATA is no longer allowed in this transaction. */
    public void markBdatUsed() {
        bdatUsed = true;
    }

    public boolean bdatUsed() {
        return bdatUsed;
    }

    /** Forgets the transaction and gives its message memory back. */
    public void reset() {
        queueId = null;
        sender = null;
        recipients.clear();
        tenantId = null;
        declaredSize = 0;
        smtputf8 = false;
        sizeLimit = maxSize;
        if (message != null) {
            message.release();
            message = null;
        }
        bdatUsed = false;
    }
}
