package org.securemail.ingest.smtp.command;

import org.securemail.ingest.reply.Reply;
import org.securemail.ingest.smtp.MailTransaction;
import org.securemail.ingest.smtp.MessageBuffer;

/**
 * BDAT (RFC 3030 CHUNKING): exactly {@code size} octets follow the command, counted, not parsed, except that a chunk
 * with a NUL byte is refused (only BINARYMIME allows one, and it is not offered). A chunk sent out of sequence is read
 * and dropped before its error reply, so the input stays in step.
 */
public final class Bdat implements SmtpCommand {

    @Override
    public void execute(CommandContext session, String args) {
        String[] parts = args.trim().split(" +");
        long size;
        try {
            size = Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
            size = -1;
        }
        boolean last = parts.length == 2 && parts[1].equalsIgnoreCase("LAST");
        if (size < 0 || parts.length > 2 || (parts.length == 2 && !last)) {
            // the chunk length is unknown, so the input cannot be resynchronised
            session.error(Reply.of(501, "5.5.4", "Syntax: BDAT size [LAST]"), "syntax");
            session.reply(Reply.of(421, "4.7.0", "Error: cannot resynchronise after a bad BDAT"));
            session.close();
            return;
        }
        MailTransaction transaction = session.transaction();
        Reply refused = MessageIntake.precondition(session);
        if (refused == null) {
            if (transaction.message() == null && !MessageIntake.start(session)) {
                refused = Reply.NO_STORAGE;
            } else {
                transaction.markBdatUsed();
            }
        }
        Chunk chunk = new Chunk(session, size, last, refused);
        if (size == 0) {
            chunk.end();
        } else {
            session.readBody(chunk);
        }
    }

    /** One chunk's octets; {@code refused} is the reply owed once they are read, or null. */
    private static final class Chunk implements BodyReader {

        private final CommandContext session;
        private final long size;
        private final boolean last;
        private final Reply refused;
        private long remaining;
        private boolean nul;

        Chunk(CommandContext session, long size, boolean last, Reply refused) {
            this.session = session;
            this.size = size;
            this.last = last;
            this.refused = refused;
            this.remaining = size;
        }

        @Override
        public int read(byte[] in, int from, int to) {
            int n = (int) Math.min(remaining, to - from);
            MessageBuffer message = session.transaction().message();
            if (message != null && refused == null) {
                message.append(in, from, n);
                nul = nul || containsNul(in, from, from + n);
            }
            remaining -= n;
            return remaining == 0 ? from + n : -1;
        }

        @Override
        public void end() {
            if (refused != null) {
                session.error(refused, "sequence");
                return;
            }
            MessageBuffer message = session.transaction().message();
            if (message.overflowed()) {
                MessageIntake.reject(session, Reply.SIZE_EXCEEDED, "size");
                return;
            }
            if (message.starved()) {
                MessageIntake.reject(session, Reply.NO_STORAGE, "no_storage");
                return;
            }
            if (nul) {
                MessageIntake.reject(session, Reply.NUL_IN_DATA, "nul");
                return;
            }
            if (last) {
                MessageIntake.accept(session);
            } else {
                session.reply(Reply.of(250, "2.0.0", "Ok: " + size + " octets received"));
            }
        }
    }

    private static boolean containsNul(byte[] in, int from, int to) {
        for (int i = from; i < to; i++) {
            if (in[i] == 0) {
                return true;
            }
        }
        return false;
    }
}
