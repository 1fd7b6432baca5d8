from kexie.search.normalizing import MAX_QUERY_LENGTH


def search(request):
    # The header box on every page and the search page share the one limit.
    return {"search_max_length": MAX_QUERY_LENGTH}
