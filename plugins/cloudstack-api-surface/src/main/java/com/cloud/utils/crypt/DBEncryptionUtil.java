// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.utils.crypt;

public class DBEncryptionUtil {
    public static String encrypt(String plain) {
        throw new UnsupportedOperationException();
    }

    public static String decrypt(String encrypted) {
        throw new UnsupportedOperationException();
    }
}
