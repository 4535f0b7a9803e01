// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.api;

import static java.lang.annotation.ElementType.TYPE;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.apache.cloudstack.acl.RoleType;

@Retention(RetentionPolicy.RUNTIME)
@Target({TYPE})
public @interface APICommand {
    Class<? extends BaseResponse> responseObject();

    String name() default "";

    String description() default "";

    String since() default "";

    boolean requestHasSensitiveInfo() default true;

    boolean responseHasSensitiveInfo() default true;

    RoleType[] authorized() default {};
}
