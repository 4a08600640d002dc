package dev.facet.cli;

/** Clone URLs of a Facet instance, as users paste them. */
final class GitUrls {
    private GitUrls() {
    }

    static String anonymous(String baseUrl, String project, String slug) {
        return baseUrl + "/scm/" + project + "/" + slug + ".git";
    }

    /** With the credentials in the URL, so git does not prompt. */
    static String withCredentials(String baseUrl, String user, String secret, String project, String slug) {
        return anonymous(baseUrl.replace("://", "://" + user + ":" + secret + "@"), project, slug);
    }
}
