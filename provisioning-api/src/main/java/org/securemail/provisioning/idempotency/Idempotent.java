package org.securemail.provisioning.idempotency;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.interceptor.InterceptorBinding;

/**
 * A creating operation that honours the {@code Idempotency-Key} request header ({@link IdempotencyInterceptor}): the
 * same key with the same request gives the first answer again instead of creating twice. Only on methods returning
 * {@code Uni<RestResponse<...>>}.
 */
@InterceptorBinding
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
public @interface Idempotent {
}
