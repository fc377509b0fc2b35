package io.gatehouse.testing;

/** The two databases every storage and end-to-end test runs against. */
public enum Backend { H2, POSTGRES }
