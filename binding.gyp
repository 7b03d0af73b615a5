{
  "targets": [
    {
      "target_name": "malloc_trim",
      "sources": ["src-main/native/malloc-trim.c"]
    }
  ]
}
