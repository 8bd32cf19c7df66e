package org.securemail.provisioning.api;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list endpoint. {@code nextCursor} is null on the last page; pass it back as {@code cursor} to get
 * the next one.
 */
public record Page<T>(List<T> items, String nextCursor) {

    /**
     * Builds a page from {@code limit + 1} fetched rows: the extra row only tells that there is a next page.
     */
    public static <E, T> Page<T> of(List<E> fetched, int limit, Function<E, T> view, Function<E, String> cursorOf) {
        boolean more = fetched.size() > limit;
        List<E> shown = more ? fetched.subList(0, limit) : fetched;
        String next = more ? cursorOf.apply(shown.get(shown.size() - 1)) : null;
        return new Page<>(shown.stream().map(view).toList(), next);
    }
}
