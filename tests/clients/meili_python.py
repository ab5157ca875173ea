"""The official Meilisearch Python client (PyPI `meilisearch`) against `consulta serve`.

Driven by tests/server_clients.rs: `python3 meili_python.py http://127.0.0.1:PORT`. It makes
the calls a notebook would make, through the client's own methods only, and prints what the
client returned as one JSON object on stdout; the Rust test compares it with the CLI's
answers. A call the client cannot make or parse fails the script (exit 1, traceback).
"""

import json
import sys

import meilisearch
from meilisearch.errors import MeilisearchApiError


def ids(response):
    return [hit["id"] for hit in response["hits"]]


def main(url):
    client = meilisearch.Client(url)
    index = client.index("sections")
    out = {}

    # a filter string, facets, highlight and crop
    r = index.search(
        "remesas",
        {
            "filter": "mechanism = CSM AND lang = es",
            "limit": 5,
            "facets": ["mechanism", "kind"],
            "attributesToHighlight": ["heading", "text"],
            "attributesToCrop": ["text"],
            "cropLength": 12,
            "showMatchesPosition": True,
        },
    )
    out["filter_string"] = {
        "ids": ids(r),
        "estimatedTotalHits": r["estimatedTotalHits"],
        "facetDistribution": r["facetDistribution"],
        "formatted_headings": [h["_formatted"]["heading"] for h in r["hits"]],
        "cropped_texts": [h["_formatted"]["text"] for h in r["hits"]],
        "matched_fields": [sorted(h["_matchesPosition"]) for h in r["hits"]],
    }

    # an array filter: the outer array ANDs, an inner one ORs
    r = index.search(
        "migration",
        {"filter": [["kind = session", "kind = practice"], "lang = en"], "limit": 10},
    )
    out["filter_array"] = {"ids": ids(r), "estimatedTotalHits": r["estimatedTotalHits"]}

    # paging by page numbers
    r = index.search("migration", {"hitsPerPage": 4, "page": 2})
    out["paged"] = {"ids": ids(r), "totalHits": r["totalHits"], "totalPages": r["totalPages"], "page": r["page"]}

    r = client.multi_search(
        [
            {"indexUid": "sections", "q": "remesas", "limit": 5, "filter": "mechanism = CSM AND lang = es"},
            {"indexUid": "sections", "q": "trata de personas", "limit": 3},
        ]
    )
    out["multi_search"] = [{"indexUid": x["indexUid"], "ids": ids(x)} for x in r["results"]]

    r = index.facet_search("mechanism", None, {"q": "remesas"})
    out["facet_search"] = {h["value"]: h["count"] for h in r["facetHits"]}
    r = index.facet_search("mechanism", "CSM")
    out["facet_search_alias"] = [h["value"] for h in r["facetHits"]]

    got = client.get_index("sections")
    out["get_index"] = {"uid": got.uid, "primary_key": got.primary_key}
    out["get_indexes"] = [i.uid for i in client.get_indexes()["results"]]
    stats = index.get_stats()
    out["index_stats"] = {
        "number_of_documents": stats.number_of_documents,
        "is_indexing": stats.is_indexing,
        "text": stats.field_distribution.text,
    }
    all_stats = client.get_all_stats()
    out["all_stats"] = {
        "databaseSize": all_stats["databaseSize"],
        "documents": all_stats["indexes"]["sections"]["numberOfDocuments"],
    }
    out["settings_filterable"] = index.get_filterable_attributes()
    out["health"] = client.health()
    out["is_healthy"] = client.is_healthy()
    out["version"] = client.get_version()["pkgVersion"]

    # errors arrive as the client's exception, with Meilisearch's code and status
    errors = {}
    for name, call in [
        ("missing index", lambda: client.index("nope").search("x")),
        ("bad filter", lambda: index.search("x", {"filter": "mechanism = "})),
        ("bad facet", lambda: index.facet_search("text", "x")),
        ("write", lambda: index.add_documents([{"id": "x"}])),
    ]:
        try:
            call()
            errors[name] = None
        except MeilisearchApiError as e:
            errors[name] = {"status": e.status_code, "code": e.code}
    out["errors"] = errors
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
