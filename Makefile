.PHONY: assets

# Re-vendor htmx and USWDS into static/vendor/ (needs npm; the output is committed).
assets:
	bash static/vendor.sh
