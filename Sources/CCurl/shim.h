// Typed, fixed-argument wrappers over libcurl's variadic setopt/getinfo for Swift.
#ifndef LOOKOUT_CCURL_SHIM_H
#define LOOKOUT_CCURL_SHIM_H

#include <string.h>
#include <curl/curl.h>

typedef size_t (*lo_write_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);

static inline CURLcode lo_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode lo_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode lo_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode lo_easy_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode lo_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode lo_easy_setopt_write(CURL *h, CURLoption o, lo_write_callback v) { return curl_easy_setopt(h, o, v); }

static inline CURLcode lo_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode lo_easy_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode lo_easy_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }

typedef int (*lo_xferinfo_callback)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode lo_easy_setopt_xferinfo(CURL *h, lo_xferinfo_callback v) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, v); }

static inline CURLMcode lo_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }

static inline size_t lo_error_size(void) { return CURL_ERROR_SIZE; }

/// The value of response header `name` (case-insensitive; the last one when repeated) of the last request, or NULL;
/// valid until the next transfer on, or the cleanup of, the handle. curl_easy_header is libcurl 7.83+.
static inline const char *lo_response_header(CURL *h, const char *name) {
    struct curl_header *header = NULL;
    if (curl_easy_header(h, name, 0, CURLH_HEADER, -1, &header) != CURLHE_OK || header == NULL) return NULL;
    size_t count = header->amount;
    if (count > 1 && curl_easy_header(h, name, count - 1, CURLH_HEADER, -1, &header) != CURLHE_OK) return NULL;
    return header->value;
}

/// The "Expire date:" line of the server's (first) certificate, or NULL; valid until the handle is cleaned up.
static inline const char *lo_certificate_expire_date(CURL *h) {
    struct curl_certinfo *info = NULL;
    if (curl_easy_getinfo(h, CURLINFO_CERTINFO, &info) != CURLE_OK || info == NULL || info->num_of_certs < 1) return NULL;
    for (struct curl_slist *item = info->certinfo[0]; item != NULL; item = item->next) {
        if (strncmp(item->data, "Expire date:", 12) == 0) return item->data + 12;
    }
    return NULL;
}

#endif
