package org.securemail.ingest.inspect.dkim;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import org.securemail.dns.client.DnsResolver;

/**
 * Verifies the DKIM signatures of a message (RFC 6376 §6, RFC 8463, RFC 8301): one {@link DkimSignatureResult} per
 * DKIM-Signature field, top to bottom, the key lookups made concurrently through the DNS service.
 *
 * <p>Never fails: a bad message, signature or key record gives the RFC's error result for that signature. The
 * returned Uni completes by the key lookup deadline (plus the hashing and crypto work), as {@link DnsResolver}
 * promises. That work runs on the {@code work} executor once a key has arrived; the three-argument constructor runs it
 * on the thread that delivers the DNS answer, which is wrong for an event loop and large messages.
 */
public final class DkimVerifier {

    static final String FIELD = "DKIM-Signature";

    private final DkimLimits limits;
    private final Clock clock;
    private final KeyLookup keys;
    private final Executor work;

    public DkimVerifier(DnsResolver dns, DkimLimits limits, Clock clock) {
        this(dns, limits, clock, Runnable::run);
    }

    /** @param work where body hashing and signature checks run (e.g. a worker pool), after the key lookup */
    public DkimVerifier(DnsResolver dns, DkimLimits limits, Clock clock, Executor work) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.keys = new KeyLookup(Objects.requireNonNull(dns, "dns"), limits);
        this.work = Objects.requireNonNull(work, "work");
    }

    /**
     * @param rawMessage the message as received in SMTP DATA (RFC 5322, CRLF line ends, dot-stuffing removed)
     * @return the results, in the order of the fields; empty when the message has no signature
     */
    public Uni<List<DkimSignatureResult>> verify(byte[] rawMessage) {
        if (rawMessage == null) {
            return Uni.createFrom().item(List.of());
        }
        try {
            return verifyAll(rawMessage);
        } catch (RuntimeException bug) {
            // every known bad input has its own result; this keeps the promise for an unknown one
            return Uni.createFrom().item(List.of(new DkimSignatureResult(DkimResult.PERMERROR, "", "", "", "", "",
                    false, "unexpected error: " + bug.getClass().getSimpleName())));
        }
    }

    private Uni<List<DkimSignatureResult>> verifyAll(byte[] rawMessage) {
        ParsedMessage message = ParsedMessage.parse(rawMessage, limits);
        List<HeaderField> fields = message.headers().stream().filter(f -> f.named(FIELD)).toList();
        if (fields.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Map<BodyKey, BodyHasher.BodyHash> bodyHashes = new ConcurrentHashMap<>();
        List<Uni<DkimSignatureResult>> results = new ArrayList<>(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            HeaderField field = fields.get(i);
            if (i >= limits.maxSignatures()) {
                results.add(notEvaluated(field, "not evaluated: more than " + limits.maxSignatures() + " signatures"));
            } else if (message.overLimit().isPresent()) {
                results.add(notEvaluated(field, "not evaluated: " + message.overLimit().get()));
            } else if (rawMessage.length > limits.maxMessageBytes()) {
                results.add(notEvaluated(field, "not evaluated: message larger than " + limits.maxMessageBytes()
                        + " bytes"));
            } else {
                results.add(verifyOne(message, field, bodyHashes));
            }
        }
        return Uni.join().all(results).andFailFast();
    }

    private Uni<DkimSignatureResult> verifyOne(ParsedMessage message, HeaderField field,
            Map<BodyKey, BodyHasher.BodyHash> bodyHashes) {
        DkimSignature.Labels labels = DkimSignature.labels(field);
        try {
            DkimSignature signature = DkimSignature.parse(field, limits);
            checkTime(signature);
            return keys.records(signature.selector(), signature.domain())
                    .onItem().transformToUni(records -> onWorkExecutor(
                            () -> evaluate(message, signature, records, bodyHashes, labels), labels))
                    .onFailure().recoverWithItem(failure -> failed(labels, failure));
        } catch (RuntimeException failure) {
            return Uni.createFrom().item(failed(labels, failure));
        }
    }

    /** Runs {@code task} on the work executor; a refused task is temperror, a failed one its own result. */
    private Uni<DkimSignatureResult> onWorkExecutor(Supplier<DkimSignatureResult> task, DkimSignature.Labels labels) {
        return Uni.createFrom().emitter(emitter -> {
            try {
                work.execute(() -> {
                    DkimSignatureResult result;
                    try {
                        result = task.get();
                    } catch (RuntimeException failure) {
                        result = failed(labels, failure);
                    }
                    emitter.complete(result);
                });
            } catch (RejectedExecutionException busy) {
                emitter.complete(failed(labels, busy));
            }
        });
    }

    /** §6.1.1: x= in the past, or t= further in the future than the allowed clock skew. */
    private void checkTime(DkimSignature signature) {
        long now = clock.instant().getEpochSecond();
        if (signature.expiry().isPresent() && signature.expiry().getAsLong() < now) {
            throw DkimFailure.permerror("signature expired (x=" + signature.expiry().getAsLong() + ")");
        }
        if (signature.timestamp().isPresent()
                && signature.timestamp().getAsLong() > now + limits.clockSkew().toSeconds()) {
            throw DkimFailure.permerror("signature timestamp t= is in the future");
        }
    }

    /** §6.1.2 and §6.1.3, cycling through the key records as §3.6.2.2 allows: pass if any usable key verifies. */
    private DkimSignatureResult evaluate(ParsedMessage message, DkimSignature signature, List<String> records,
            Map<BodyKey, BodyHasher.BodyHash> bodyHashes, DkimSignature.Labels labels) {
        List<DkimKey> usable = new ArrayList<>();
        DkimFailure firstProblem = null;
        for (String record : records) {
            try {
                DkimKey key = DkimKey.parse(record, signature.algorithm(), limits);
                if (key.strict() && !identityDomain(signature).equals(signature.domain())) {
                    throw DkimFailure.permerror("key has t=s but i= is not in exactly d=" + signature.domain());
                }
                usable.add(key);
            } catch (DkimFailure problem) {
                if (firstProblem == null) {
                    firstProblem = problem;
                }
            }
        }
        if (usable.isEmpty()) {
            throw firstProblem;
        }
        boolean testing = usable.get(0).testing();
        long limit = signature.bodyLength().orElse(Long.MAX_VALUE);
        BodyHasher.BodyHash body = bodyHashes.computeIfAbsent(new BodyKey(signature.bodyCanon(), limit),
                k -> BodyHasher.hash(message.raw(), message.bodyStart(), k.canon(), k.limit()));
        if (body.canonicalLength() < limit && signature.bodyLength().isPresent()) {
            return result(labels, DkimResult.FAIL, testing, "body shorter than l=" + limit + " (canonical length "
                    + body.canonicalLength() + ")");
        }
        if (!Arrays.equals(body.digest(), signature.bodyHash())) {
            return result(labels, DkimResult.FAIL, testing, "body hash did not verify");
        }
        byte[] data = SignedData.headerData(message.headers(), signature);
        for (DkimKey key : usable) {
            if (SignedData.verify(key, signature.algorithm(), data, signature.signature())) {
                String reason = "signature verified";
                if (signature.bodyLength().isPresent() && body.canonicalLength() > limit) {
                    reason += "; l= leaves " + (body.canonicalLength() - limit) + " body octets unsigned";
                }
                return result(labels, DkimResult.PASS, key.testing(), reason);
            }
        }
        return result(labels, DkimResult.FAIL, testing, "signature did not verify");
    }

    private static String identityDomain(DkimSignature signature) {
        String identity = signature.identity();
        return identity.substring(identity.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    private static Uni<DkimSignatureResult> notEvaluated(HeaderField field, String reason) {
        return Uni.createFrom().item(result(DkimSignature.labels(field), DkimResult.NEUTRAL, false, reason));
    }

    private static DkimSignatureResult failed(DkimSignature.Labels labels, Throwable failure) {
        if (failure instanceof DkimFailure dkim) {
            return result(labels, dkim.result(), false, dkim.getMessage());
        }
        if (failure instanceof RejectedExecutionException) {
            return result(labels, DkimResult.TEMPERROR, false, "verification work refused: executor busy");
        }
        return result(labels, DkimResult.PERMERROR, false, "unexpected error: " + failure.getClass().getSimpleName());
    }

    private static DkimSignatureResult result(DkimSignature.Labels labels, DkimResult result, boolean testing,
            String reason) {
        return new DkimSignatureResult(result, labels.domain(), labels.selector(), labels.algorithm(),
                labels.identity(), labels.headerB(), testing, reason);
    }

    /** Body hashes are shared by the signatures with the same body canonicalisation and l=. */
    private record BodyKey(Canonicalization canon, long limit) {
    }
}
