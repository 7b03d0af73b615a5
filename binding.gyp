{
  "targets": [
    {
      "target_name": "malloc_trim",
      "sources": ["src-main/native/malloc-trim.c"]
    },
    {
      "target_name": "count_files",
      "sources": ["src-main/native/count-files.c"]
    }
  ]
}
