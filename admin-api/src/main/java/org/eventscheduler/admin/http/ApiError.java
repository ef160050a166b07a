package org.eventscheduler.admin.http;

/** The body of every error answer: the HTTP status and what is wrong. */
public record ApiError(int status, String error) {
}
