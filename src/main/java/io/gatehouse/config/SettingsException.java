package io.gatehouse.config;

/** A setting that cannot be used; its message names the setting and what it should be. */
public final class SettingsException extends RuntimeException {
    public SettingsException(String message) {
        super(message);
    }
}
