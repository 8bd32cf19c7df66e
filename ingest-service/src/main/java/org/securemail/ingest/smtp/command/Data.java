package org.securemail.ingest.smtp.command;

import org.securemail.ingest.reply.Reply;
import org.securemail.ingest.smtp.DataDecoder;

/**
 * DATA: the message follows, dot-stuffed, up to {@code <CR><LF>.<CR><LF>} (ADR 0023: a bare CR or LF, or a NUL byte,
 * refuses the message after its real end). Not after BDAT in the same transaction.
 */
public final class Data implements SmtpCommand {

    @Override
    public void execute(CommandContext session, String args) {
        if (!args.isBlank()) {
            session.error(Reply.of(501, "5.5.4", "Syntax: DATA"), "syntax");
            return;
        }
        Reply refused = MessageIntake.precondition(session);
        if (refused == null && session.transaction().bdatUsed()) {
            refused = Reply.of(503, "5.5.1", "Error: DATA after BDAT");
        }
        if (refused != null) {
            session.error(refused, "sequence");
            return;
        }
        if (!MessageIntake.start(session)) {
            session.reject(Reply.NO_STORAGE, "no_storage", "DATA");
            return;
        }
        DataDecoder decoder = new DataDecoder(session.transaction().message(),
                session.deps().config().limits().maxTextLine());
        session.readBody(new BodyReader() {
            @Override
            public int read(byte[] in, int from, int to) {
                return decoder.feed(in, from, to);
            }

            @Override
            public void end() {
                endOfData(session, decoder.defect());
            }
        });
        session.replyRaw("354 End data with <CR><LF>.<CR><LF>\r\n");
    }

    private static void endOfData(CommandContext session, DataDecoder.Defect defect) {
        switch (defect) {
            case TOO_BIG -> MessageIntake.reject(session, Reply.SIZE_EXCEEDED, "size");
            case BARE_NEWLINE -> MessageIntake.reject(session, Reply.BARE_NEWLINE_IN_DATA, "bare_newline");
            case NUL -> MessageIntake.reject(session, Reply.NUL_IN_DATA, "nul");
            case LINE_TOO_LONG -> MessageIntake.reject(session, Reply.LINE_TOO_LONG_IN_DATA, "line_too_long");
            case NO_STORAGE -> MessageIntake.reject(session, Reply.NO_STORAGE, "no_storage");
            case NONE -> MessageIntake.accept(session);
        }
    }
}
